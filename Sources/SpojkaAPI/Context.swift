import Foundation
import Hummingbird
import SpojkaCore

/// The authenticated caller of a request.
public struct Principal: Sendable {
    /// The user.
    public var user: User
    /// The API token that authenticated the request.
    public var tokenID: ID<APIToken>
    /// The CSRF proof of the browser session that authenticated the request (nil for a bearer token).
    public var csrfToken: String?
    /// When that browser session ends at the latest.
    public var sessionExpiresAt: Date?
    /// The token's scope; a scoped token reaches only `/mcp` (and reads itself).
    public var scope: TokenScope? = nil
}

/// Per-request context: Hummingbird's core storage plus the authenticated principal.
public struct SpojkaRequestContext: RequestContext {
    /// Hummingbird's storage.
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware for `/api/v1` routes.
    public var principal: Principal?

    /// Creates an empty context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// JSON with ISO 8601 dates and sorted keys for every response.
    public var responseEncoder: JSONEncoder { APIJSON.encoder }

    /// The authenticated caller, or 401.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw SpojkaError(.unauthorized, "Authentication required") }
        return principal
    }
}

/// The JSON coders of the API.
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(APIJSON.format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
