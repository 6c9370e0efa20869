import AsyncHTTPClient
import Foundation
import SpojkaCore
import SpojkaTestSupport

extension Bench {
    /// The refresh storm against the real Authlib provider: 200 concurrent calls on a connection whose token just
    /// expired, five times; reports the refresh requests the provider saw per expiry and the calls' latency.
    static func oauthStorm() async throws -> [(String, String)] {
        guard let provider = OAuthProvider.current else { return [("OAuth refresh storm", "skipped (start the provider: ./scripts/bench)")] }
        let app = try TestApp(configure: { $0.logLevel = .error; $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        return try await app.runLive { _, api in
            let owner = try await api.setUp()
            let ws = "/api/v1/workspaces/\(owner.workspace)"
            let client = try await provider.register(redirect: "http://spojka.test/oauth/callback")
            let oauthApp = try await api.request(.post, ws + "/oauth-apps", token: owner.token, body: [
                "connector": "http", "name": "Provider", "clientId": .string(client.id), "clientSecret": .string(client.secret),
                "authorizationUrl": .string(provider.base + "/oauth/authorize"), "tokenUrl": .string(provider.base + "/oauth/token"),
                "userinfoUrl": .string(provider.base + "/userinfo")])
            let started = try await api.request(.post, ws + "/connections", token: owner.token, body: [
                "connector": "http", "name": "Provider API", "oauthApp": .string(try WorkflowBench.id(oauthApp)), "settings": ["baseUrl": .string(provider.base)]])
            guard let id = started.json["connection"]?["id"]?.stringValue, let url = started.json["authorizationUrl"]?.stringValue else { throw TestFailure(started.text) }
            let location = try await provider.authorize(url + "&login_hint=alice")
            _ = try await api.request(.get, "/oauth/callback?" + (URLComponents(string: location)?.percentEncodedQuery ?? ""))
            var refreshes: [Int] = []
            var samples: [Double] = []
            for _ in 0..<5 {
                app.clock.advance(by: 4000)
                try await provider.expireAll()
                try await provider.resetStats()
                samples += try await withThrowingTaskGroup(of: Double.self) { group in
                    for _ in 0..<200 {
                        group.addTask {
                            let t0 = DispatchTime.now().uptimeNanoseconds
                            let answer = try await api.request(.post, ws + "/tool-calls", token: owner.token, body: [
                                "connector": "http", "tool": "http_get", "connection": .string(id), "arguments": ["url": "/api/me"]])
                            guard answer.status == 200 else { throw TestFailure("call failed: \(answer.text)") }
                            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let stats = try await provider.stats()
                refreshes.append(Int(stats["token_requests"]?["refresh_token"]?.doubleValue ?? -1))
            }
            let stats = Stats(samples)
            return [("OAuth refresh storm: refresh requests at the provider per expiry (5 expiries × 200 concurrent calls)",
                     refreshes.map(String.init).joined(separator: ", ")),
                    ("OAuth refresh storm: latency of the 200 calls waiting on the refresh, p50 / p99", "\(millis(stats.p50)) / \(millis(stats.p99))")]
        }
    }
}
