import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Two real `spojka serve` processes on one PostgreSQL database share an OAuth connection.
@Suite("Cluster: OAuth refresh across processes")
struct ClusterOAuthTests {
    @Test(.enabled(if: ClusterTests.enabled && OAuthProvider.isAvailable))
    func twoHundredCallsOnTwoProcessesRefreshAnExpiredTokenOnce() async throws {
        let provider = try OAuthProvider.required()
        let cluster = try await Cluster.start(servers: 2, workers: 0)
        defer { cluster.stop() }
        let client = try await provider.register(redirect: "http://spojka.test/oauth/callback")
        let app = try await cluster.api(0).request("POST", cluster.base + "/oauth-apps", token: cluster.token, body: [
            "connector": "http", "name": "Test provider", "clientId": .string(client.id), "clientSecret": .string(client.secret),
            "scopes": ["profile", "api"], "authorizationUrl": .string(provider.base + "/oauth/authorize"),
            "tokenUrl": .string(provider.base + "/oauth/token"), "userinfoUrl": .string(provider.base + "/userinfo")])
        let appID = try #require(app.json["id"]?.stringValue, "\(app.text)")
        let started = try await cluster.api(0).request("POST", cluster.base + "/connections", token: cluster.token, body: [
            "connector": "http", "name": "Provider API", "oauthApp": .string(appID), "settings": ["baseUrl": .string(provider.base)]])
        let id = try #require(started.json["connection"]?["id"]?.stringValue, "\(started.text)")
        let url = try #require(started.json["authorizationUrl"]?.stringValue)
        // The provider redirects to the public URL; the callback is delivered to the first server.
        let location = try await provider.authorize(url + "&login_hint=alice")
        let query = try #require(URLComponents(string: location)?.percentEncodedQuery)
        #expect(try await cluster.api(0).request("GET", "/oauth/callback?" + query).status == 200)

        try await provider.expireAll()
        try await provider.resetStats()
        let statuses = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await cluster.api(i % 2).request("POST", cluster.base + "/tool-calls", token: cluster.token, body: [
                        "connector": "http", "tool": "http_get", "connection": .string(id), "arguments": ["url": "/api/me"]]).text
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0.contains("alice") }, "\(statuses.filter { !$0.contains("alice") })")
        let stats = try await provider.stats()
        #expect(stats["token_requests"]?["refresh_token"] == 1 && stats["invalid_grant"] == 0, "\(stats)")
    }
}
