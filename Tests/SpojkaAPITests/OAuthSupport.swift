import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// An OAuth app and an HTTP connection through the test provider.
struct OAuthFixture: Sendable {
    let provider: OAuthProvider
    let api: TestAPI
    let owner: Owner
    let app: String
    let client: (id: String, secret: String)

    static func make(_ api: TestAPI, _ owner: Owner, publicURL: String = "http://spojka.test", userinfo: String = "/userinfo",
                     token: String = "/oauth/token") async throws -> OAuthFixture {
        let provider = try OAuthProvider.required()
        let client = try await provider.register(redirect: publicURL + "/oauth/callback")
        let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/oauth-apps", token: owner.token, body: [
            "connector": "http", "name": "Test provider", "clientId": .string(client.id), "clientSecret": .string(client.secret),
            "scopes": ["profile", "api"], "authorizationUrl": .string(provider.base + "/oauth/authorize"),
            "tokenUrl": .string(provider.base + token), "userinfoUrl": .string(provider.base + userinfo)])
        guard created.status == 201, let app = created.json["id"]?.stringValue else { throw TestFailure("app: \(created.status) \(created.text)") }
        return OAuthFixture(provider: provider, api: api, owner: owner, app: app, client: client)
    }

    var connections: String { "/api/v1/workspaces/\(owner.workspace)/connections" }

    /// Starts a new OAuth connection; returns its ID and the authorization URL.
    func begin(name: String = "Provider API", token: String? = nil) async throws -> (id: String, url: String) {
        let started = try await api.request(.post, connections, token: token ?? owner.token, body: [
            "connector": "http", "name": .string(name), "oauthApp": .string(app), "settings": ["baseUrl": .string(provider.base)]])
        guard started.status == 201, let id = started.json["connection"]?["id"]?.stringValue, let url = started.json["authorizationUrl"]?.stringValue else {
            throw TestFailure("connect: \(started.status) \(started.text)")
        }
        return (id, url)
    }

    /// Lets the provider consent and delivers its redirect to Spojka's callback; returns the page.
    func consent(_ url: String, login: String = "alice") async throws -> JSONResponse {
        let location = try await provider.authorize(url + "&login_hint=\(login)")
        guard let components = URLComponents(string: location), components.path == "/oauth/callback" else { throw TestFailure("redirected to \(location)") }
        return try await api.request(.get, "/oauth/callback?" + (components.percentEncodedQuery ?? ""))
    }

    /// A connected connection (alice).
    func connected(name: String = "Provider API", token: String? = nil) async throws -> String {
        let (id, url) = try await begin(name: name, token: token)
        let page = try await consent(url)
        guard page.status == 200 else { throw TestFailure("callback: \(page.status) \(page.text)") }
        return id
    }

    /// Calls the provider's protected `/api/me` through the connection.
    func callMe(_ connection: String) async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token, body: [
            "connector": "http", "tool": "http_get", "connection": .string(connection), "arguments": ["url": "/api/me"]])
    }

    func connection(_ id: String) async throws -> JSONValue {
        try await api.request(.get, "\(connections)/\(id)", token: owner.token).json
    }
}
