import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// A service that refuses connections is reported at once, not after the HTTP client's connect timeout.
@Suite("Outbound connections")
struct OutboundConnectTests {
    /// Port 1 on loopback refuses every connection. With the default 3 attempts, the old behaviour (the client
    /// re-dialling until its 10-second connect timeout) took 30 s; the bound below only catches that regression.
    @Test func aRefusedConnectionFailsAtOnceWithServiceUnavailable() async throws {
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true })
        try await app.run { api in
            let owner = try await api.setUp()
            let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections?verify=false", token: owner.token, body: [
                "connector": "http", "name": "Down service", "credentials": [:], "settings": ["baseUrl": "http://127.0.0.1:1"]])
            let id = try #require(created.json["id"]?.stringValue, "\(created.text)")
            let started = Date()
            let call = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token, body: [
                "connector": "http", "tool": "http_get", "connection": .string(id), "arguments": ["url": "http://127.0.0.1:1/x"]])
            let elapsed = Date().timeIntervalSince(started)
            #expect(call.errorCode == "service_unavailable", "\(call.status) \(call.text)")
            #expect(elapsed < 5, "a refused connection took \(elapsed) s (three attempts)")
        }
    }
}
