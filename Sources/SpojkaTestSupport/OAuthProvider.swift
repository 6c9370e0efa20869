import AsyncHTTPClient
import Foundation
import NIOCore
import SpojkaCore

/// The real OAuth 2.0 authorization server of the tests (Authlib, `tests/oauth-server`), started by the test command.
public struct OAuthProvider: Sendable {
    /// Its base URL (`SPOJKA_TEST_OAUTH_URL`).
    public let base: String

    /// The provider, when the test command started one.
    public static var current: OAuthProvider? {
        ProcessInfo.processInfo.environment["SPOJKA_TEST_OAUTH_URL"].map(OAuthProvider.init)
    }

    /// Whether OAuth tests can run (they must when `SPOJKA_REQUIRE_OAUTH=1`).
    public static var isAvailable: Bool { current != nil || ProcessInfo.processInfo.environment["SPOJKA_REQUIRE_OAUTH"] == "1" }

    /// The provider or a failure explaining how to start it.
    public static func required() throws -> OAuthProvider {
        guard let current else { throw TestFailure("SPOJKA_TEST_OAUTH_URL is not set: run the tests with ./scripts/test") }
        return current
    }

    /// A client that does not follow redirects (to capture the provider's redirect to the callback).
    static let noRedirects = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// Sends a request (redirects are not followed).
    public func send(_ method: String, _ path: String, json: JSONValue? = nil) async throws -> JSONResponse {
        try await LiveAPI(base: base).request(method, path, body: json, client: Self.noRedirects)
    }

    /// Registers a client (a random ID per test keeps tests independent).
    public func register(redirect: String, clientID: String = "spojka-" + UUID().uuidString.lowercased(), secret: String = "cs_" + UUID().uuidString,
                         scope: String = "profile api") async throws -> (id: String, secret: String) {
        let answer = try await send("POST", "/admin/clients", json: ["client_id": .string(clientID), "client_secret": .string(secret),
                                                                               "redirect_uris": [.string(redirect)], "scope": .string(scope)])
        guard answer.status == 201 else { throw TestFailure("client registration failed: \(answer.status) \(answer.text)") }
        return (clientID, secret)
    }

    /// Token-endpoint counters: `token_requests.refresh_token`, `invalid_grant`, …
    public func stats() async throws -> JSONValue { try await send("GET", "/admin/stats").json }
    /// Zeroes the counters.
    public func resetStats() async throws { _ = try await send("POST", "/admin/reset-stats") }
    /// Makes every access token expired at the provider.
    public func expireAll() async throws { _ = try await send("POST", "/admin/expire-all") }
    /// Revokes every grant of a user (as if they removed the app at the provider).
    public func revokeUser(_ login: String) async throws { _ = try await send("POST", "/admin/revoke-user?login=\(login)") }

    /// Follows the provider's consent (no browser): GET the authorization URL and return the redirect target.
    public func authorize(_ url: String) async throws -> String {
        let answer = try await send("GET", url)
        guard (300..<400).contains(answer.status), let location = answer.headers[.location] else {
            throw TestFailure("the provider did not redirect: \(answer.status) \(answer.text)")
        }
        return location
    }
}
