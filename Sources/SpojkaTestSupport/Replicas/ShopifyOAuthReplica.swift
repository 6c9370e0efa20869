import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import SpojkaCore
import Synchronization

/// The OAuth side of one Shopify store (a store is its own authorization server, on its own domain):
///
/// - `GET /admin/oauth/authorize?client_id&scope&redirect_uri&state` stands for the merchant's approval: it checks the
///   app and the comma-separated scopes and redirects at once to `redirect_uri` with `code`, `host`, `shop`, `state`
///   and `timestamp`, signed as Shopify signs them (`hmac`: HMAC-SHA256 hex of the other parameters, sorted, with
///   the client secret). `shop` is the store's real name (`{store}.myshopify.com`), whatever address the replica has.
/// - `POST /admin/oauth/access_token` takes the client in the form (`client_id`, `client_secret`, never Basic): a
///   single-use `code` gives an offline token, expiring with a refresh token when the store issues them and the
///   request says `expiring=1`; `grant_type=refresh_token` rotates the refresh token (`invalid_grant` for an unknown one).
public final class ShopifyOAuthStore: Sendable {
    /// The app's client ID.
    public let clientID: String
    let secret: String
    let store: String
    let expiring: Bool
    let lifetime: Int
    private let state = Mutex(State())

    struct State {
        var codes: [String: String] = [:]
        var accessTokens: Set<String> = []
        var refreshTokens: Set<String> = []
        var counts: [String: Int] = [:]
    }

    /// A store `store` (`{store}.myshopify.com`) where the app `clientID`/`secret` is installable; `expiring` stores
    /// issue access tokens living `lifetime` seconds with refresh tokens.
    public init(clientID: String, secret: String, store: String, expiring: Bool = false, lifetime: Int = 3600) {
        self.clientID = clientID; self.secret = secret; self.store = store; self.expiring = expiring; self.lifetime = lifetime
    }

    /// How often something happened: `authorize`, `authorization_code`, `refresh_token`, `refused`.
    public func count(_ event: String) -> Int { state.withLock { $0.counts[event] ?? 0 } }
    /// Whether `token` is a live access token of this store.
    public func accepts(_ token: String) -> Bool { state.withLock { $0.accessTokens.contains(token) } }
    /// Uninstalls the app: every token of this store stops working.
    public func uninstall() { state.withLock { $0.accessTokens = []; $0.refreshTokens = [] } }

    func bump(_ event: String) { state.withLock { $0.counts[event, default: 0] += 1 } }

    /// Adds the OAuth routes to a store's router.
    func register(on router: Router<BasicRequestContext>) {
        router.get("/admin/oauth/authorize") { [self] request, _ in authorize(request) }
        router.post("/admin/oauth/access_token") { [self] request, _ in try await token(request) }
    }

    func authorize(_ request: Request) -> Response {
        bump("authorize")
        let query = { (name: String) in ReplicaKit.query(request, name) ?? "" }
        guard query("client_id") == clientID else { return ReplicaKit.json(["errors": "Invalid API key: the app is not installable on this store"], status: 400) }
        let scopes = query("scope").split(separator: ",", omittingEmptySubsequences: false)
        guard !scopes.isEmpty, scopes.allSatisfy({ $0.wholeMatch(of: /(unauthenticated_)?(read|write)_[a-z_]+/) != nil }) else {
            return ReplicaKit.json(["errors": .string("Oauth error invalid_scope: \(query("scope"))")], status: 400)
        }
        guard let redirect = URLComponents(string: query("redirect_uri")), ["http", "https"].contains(redirect.scheme ?? "") else {
            return ReplicaKit.json(["errors": "Oauth error invalid_request: The redirect_uri is missing or not whitelisted"], status: 400)
        }
        let code = Self.random(16)
        state.withLock { $0.codes[code] = clientID }
        var params = [("code", code), ("host", Data("admin.shopify.com/store/\(store)".utf8).base64EncodedString()),
                      ("shop", "\(store).myshopify.com"), ("state", query("state")), ("timestamp", String(Int(Date().timeIntervalSince1970)))]
        params.append(("hmac", Self.sign(params, secret: secret)))
        var target = redirect
        target.queryItems = (redirect.queryItems ?? []) + params.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` is legal in a query but means a space to form decoders: escape it like Shopify's redirects do.
        target.percentEncodedQuery = target.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return Response(status: .found, headers: [.location: target.string ?? ""])
    }

    func token(_ request: Request) async throws -> Response {
        let text = try await ReplicaKit.text(request)
        let form = ReplicaKit.mediaType(request) == "application/json" ? (try? JSONValue(parsing: Array(text.utf8))) ?? [:] : ReplicaKit.form(text)
        let field = { (name: String) in form[name]?.stringValue ?? "" }
        guard field("client_id") == clientID, field("client_secret") == secret else {
            bump("refused")
            return ReplicaKit.json(["error": "invalid_client", "error_description": "Client authentication failed: client_id and client_secret go in the request body"],
                                   status: 401)
        }
        var answer: [String: JSONValue]
        if field("grant_type") == "refresh_token" {
            bump("refresh_token")
            guard state.withLock({ $0.refreshTokens.remove(field("refresh_token")) != nil }) else {
                return ReplicaKit.json(["error": "invalid_grant", "error_description": "The refresh token is invalid or was already used"], status: 400)
            }
            answer = issue(expiring: true)
        } else {
            bump("authorization_code")
            guard state.withLock({ $0.codes.removeValue(forKey: field("code")) }) == clientID else {
                return ReplicaKit.json(["error": "invalid_request", "error_description": "The authorization code was not found or was already used"], status: 400)
            }
            answer = issue(expiring: expiring && field("expiring") == "1")
        }
        answer["scope"] = "read_products,write_orders"
        return ReplicaKit.json(.object(answer))
    }

    /// A new access token (and refresh token when expiring).
    func issue(expiring: Bool) -> [String: JSONValue] {
        let access = "shpua_" + Self.random(16)
        var answer: [String: JSONValue] = ["access_token": .string(access)]
        if expiring {
            let refresh = "shprt_" + Self.random(16)
            answer["expires_in"] = .int(lifetime)
            answer["refresh_token"] = .string(refresh)
            answer["refresh_token_expires_in"] = 7_776_000
            state.withLock { _ = $0.refreshTokens.insert(refresh) }
        }
        state.withLock { _ = $0.accessTokens.insert(access) }
        return answer
    }

    /// Shopify's signature of callback parameters: HMAC-SHA256 hex over `name=value` pairs sorted by name, joined by `&`.
    public static func sign(_ params: [(String, String)], secret: String) -> String {
        let message = params.filter { $0.0 != "hmac" }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    static func random(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// The merchant approves: GET the authorization URL and return where the store redirects the browser.
    public static func consent(_ url: String) async throws -> String {
        let answer = try await LiveAPI(base: "").request("GET", url, client: OAuthProvider.noRedirects)
        guard answer.status == 302, let location = answer.headers[.location] else { throw TestFailure("the store did not redirect: \(answer.status) \(answer.text)") }
        return location
    }
}
