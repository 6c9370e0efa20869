import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// Tokens from a token endpoint.
struct TokenSet: Sendable {
    let accessToken: Secret
    let refreshToken: Secret?
    let expiresIn: Double?
}

/// Why a token request failed.
enum TokenFailure: Error, Sendable {
    /// The grant is dead (`invalid_grant`, a revoked or reused refresh token): the user must reconnect.
    case invalidGrant(String)
    /// The provider refused for another reason (bad client credentials, bad request).
    case refused(String)
    /// Network, timeout or 5xx: worth retrying.
    case transient(String)

    var reason: String {
        switch self {
        case .invalidGrant(let r), .refused(let r), .transient(let r): r
        }
    }
}

/// Talks to an OAuth 2.0 provider's token and userinfo endpoints over the policy-checked transport.
struct OAuthClient: Sendable {
    let transport: any HTTPTransport

    /// POSTs a form to the token endpoint with client_secret_basic authentication, or (`clientInForm`, Shopify's way)
    /// with `client_id` and `client_secret` in the form.
    func token(_ url: String, clientID: String, clientSecret: Secret, form: [(String, String)],
               clientInForm: Bool = false) async throws(TokenFailure) -> TokenSet {
        let body = FormEncoding.query(clientInForm ? [("client_id", clientID), ("client_secret", clientSecret.reveal())] + form : form)
        let basic = Data("\(FormEncoding.escape(clientID)):\(FormEncoding.escape(clientSecret.reveal()))".utf8).base64EncodedString()
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        if !clientInForm { headers.append(("Authorization", "Basic \(basic)")) }
        let request = OutboundRequest(method: "POST", url: url, headers: headers, body: Array(body.utf8))
        // A provider's error may repeat what it was sent: the client credentials (also as their Basic value) and grant secrets.
        let scrub = Scrubber([clientSecret] + form.filter { Self.secretFields.contains($0.0) }.map { Secret($0.1) }, injected: ["Basic \(basic)"])
        let response: OutboundResponse
        do { response = try await transport.send(request, timeout: .seconds(20)) } catch {
            throw .transient(scrub.text("the token endpoint could not be reached (\(error))"))
        }
        let json = (try? JSONValue(parsing: response.body)) ?? .null
        guard (200..<300).contains(response.status) else {
            let code = json["error"]?.stringValue ?? "http_\(response.status)"
            let reason = scrub.text([code, json["error_description"]?.stringValue].compactMap { $0 }.joined(separator: ": "))
            if response.status >= 500 || response.status == 429 { throw .transient(reason) }
            throw code == "invalid_grant" ? .invalidGrant(reason) : .refused(reason)
        }
        guard let access = json["access_token"]?.stringValue, !access.isEmpty else { throw .refused("the token response has no access_token") }
        return TokenSet(accessToken: Secret(access), refreshToken: json["refresh_token"]?.stringValue.map(Secret.init),
                        expiresIn: json["expires_in"]?.doubleValue)
    }

    /// Form fields of token requests that hold secrets.
    static let secretFields: Set<String> = ["refresh_token", "code", "code_verifier", "client_secret"]

    /// Reads the userinfo endpoint with the access token; `nil` when it fails.
    func userinfo(_ url: String, accessToken: Secret) async -> JSONValue? {
        let request = OutboundRequest(method: "GET", url: url, headers: [("Accept", "application/json"), ("Authorization", "Bearer \(accessToken.reveal())")])
        guard let response = try? await transport.send(request, timeout: .seconds(20)), (200..<300).contains(response.status) else { return nil }
        return try? JSONValue(parsing: response.body)
    }

    /// A URL with query parameters appended.
    static func url(_ base: String, _ query: [(String, String)]) -> String {
        base + (base.contains("?") ? "&" : "?") + FormEncoding.query(query)
    }
}
