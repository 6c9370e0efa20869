import Foundation
import SpojkaCore

/// OAuth settings of a server.
public struct OAuthOptions: Sendable {
    /// The externally visible base URL; the redirect URI is `<publicURL>/oauth/callback`.
    public var publicURL = "http://127.0.0.1:8080"
    /// The refresher renews access tokens expiring within this margin (default 5 minutes), or within `refreshFraction`
    /// of their lifetime when that is shorter.
    public var refreshMargin: TimeInterval = 300
    /// A call refreshes first a token expiring within this margin (default 30 s), or within `refreshFraction` of its
    /// lifetime when that is shorter, so that a short-lived token is still used for most of its life.
    public var callRefreshMargin: TimeInterval = 30
    /// The share of a token's lifetime kept as refresh margin when the capped margin would be longer (default 0.1).
    public var refreshFraction = 0.1
    /// How often the refresher looks for tokens to refresh.
    public var refreshTick: Duration = .seconds(30)
    /// Token-endpoint attempts before a transient failure marks the connection `error`.
    public var attempts = 3
    /// Where the callback page sends the browser afterwards (e.g. the UI), if anywhere.
    public var returnURL: String?
    /// Creates the defaults.
    public init() {}
}

/// Shared OAuth plumbing of a connection service: the token client, in-process refresh flights, this server's lease identity.
final class OAuthSupport: Sendable {
    let options: OAuthOptions
    let client: OAuthClient
    let flights = RefreshFlights()
    let owner: String

    init(options: OAuthOptions, client: OAuthClient, owner: String) {
        self.options = options; self.client = client; self.owner = owner
    }

    var redirectURI: String { options.publicURL + "/oauth/callback" }
}

/// One refresh per connection at a time in this process: later callers await the leader's result.
actor RefreshFlights {
    private var inFlight: [ID<Connection>: Promise<Result<Void, SpojkaError>>] = [:]

    /// Joins the flight of `id`; `leader` is true for the caller that must do the work.
    func join(_ id: ID<Connection>) -> (promise: Promise<Result<Void, SpojkaError>>, leader: Bool) {
        if let existing = inFlight[id] { return (existing, false) }
        let promise = Promise<Result<Void, SpojkaError>>()
        inFlight[id] = promise
        return (promise, true)
    }

    /// Ends the flight of `id` with `result`.
    func finish(_ id: ID<Connection>, _ result: Result<Void, SpojkaError>) {
        inFlight.removeValue(forKey: id)?.fulfil(result)
    }
}

extension SpojkaError.Code {
    /// An OAuth app does not exist or does not fit the connector.
    public static let oauthAppInvalid: Self = "oauth_app_invalid"
    /// A connector cannot use OAuth.
    public static let oauthNotSupported: Self = "oauth_not_supported"
    /// The OAuth app is used by connections.
    public static let oauthAppInUse: Self = "oauth_app_in_use"
    /// The provider refused the refresh token or grant: reconnect.
    public static let oauthGrantInvalid: Self = "oauth_grant_invalid"
    /// The token endpoint could not be used right now.
    public static let oauthUnavailable: Self = "oauth_unavailable"
}
