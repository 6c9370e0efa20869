import Foundation
import Hummingbird
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Through the real server: a member using the owner's HTTP connection cannot send its credential to another origin.
@Suite("Connection credentials stay on the connection's origin")
struct CredentialOriginAPITests {
    static let token = "owner-token-51f0c2"

    @Test func aMemberCannotPointTheOwnersConnectionAtAnotherHost() async throws {
        let stolen = RequestLog(), served = RequestLog()
        let attacker = Router()
        attacker.add(middleware: RecordingMiddleware(log: stolen))
        attacker.get("/collect") { _, _ in Response(status: .ok, body: .init(byteBuffer: .init(string: #"{"got":true}"#))) }
        try await ReplicaServer.run(attacker) { evil in
            let service = Router()
            service.add(middleware: RecordingMiddleware(log: served))
            service.get("/me") { _, _ in Response(status: .ok, body: .init(byteBuffer: .init(string: #"{"me":1}"#))) }
            service.get("/hop") { _, _ in Response(status: .found, headers: [.location: evil + "/collect"]) }
            try await ReplicaServer.run(service) { base in
                try await TestApp(configure: { $0.allowPrivateNetwork = true }).run { api in
                    let (owner, ws, connection) = try await ownersConnection(api, base: base)
                    let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
                    func call(_ url: String) async throws -> JSONResponse {
                        try await api.request(.post, ws + "/tool-calls", token: member.token,
                                              body: ["connector": "http", "tool": "http_get", "connection": .string(connection), "arguments": ["url": .string(url)]])
                    }
                    #expect(try await call("/me").status == 200)
                    let absolute = try await call(evil + "/collect")
                    #expect(absolute.status == 422 && absolute.errorCode == "blocked_destination", "\(absolute.text)")
                    let redirected = try await call("/hop")
                    #expect(redirected.status == 200 && redirected.json["output"]?["body"] == ["got": true])
                }
            }
        }
        #expect(served.all.first?.headers["authorization"] == "Bearer \(Self.token)")
        #expect(stolen.all.count == 1 && stolen.all.allSatisfy { $0.headers["authorization"] == nil })
        #expect(!stolen.all.contains { $0.uri.contains(Self.token) || $0.headers.values.contains { $0.contains(Self.token) } })
    }

    /// The owner, the workspace's API path, and the owner's bearer-token `http` connection to `base`.
    func ownersConnection(_ api: TestAPI, base: String) async throws -> (owner: Owner, ws: String, connection: String) {
        let owner = try await api.setUp()
        let ws = "/api/v1/workspaces/\(owner.workspace)"
        let created = try await api.request(.post, ws + "/connections?verify=false", token: owner.token, body: [
            "connector": "http", "name": "Owner API", "credentials": ["token": .string(Self.token)],
            "settings": ["authMethod": "bearer", "baseUrl": .string(base)]])
        let connection = try #require(created.json["id"]?.stringValue ?? created.json["connection"]?["id"]?.stringValue, "\(created.text)")
        return (owner, ws, connection)
    }

    @Test func anAdminCannotMoveTheOwnersCredentialsToAnotherOrigin() async throws {
        let stolen = RequestLog()
        let attacker = Router()
        attacker.add(middleware: RecordingMiddleware(log: stolen))
        attacker.get("/me") { _, _ in Response(status: .ok, body: .init(byteBuffer: .init(string: #"{"me":1}"#))) }
        try await ReplicaServer.run(attacker) { evil in
            let service = Router()
            service.get("/me") { _, _ in Response(status: .ok, body: .init(byteBuffer: .init(string: #"{"me":1}"#))) }
            try await ReplicaServer.run(service) { base in
                try await TestApp(configure: { $0.allowPrivateNetwork = true }).run { api in
                    let (owner, ws, connection) = try await ownersConnection(api, base: base)
                    let admin = try await api.addMember("a@example.com", role: "admin", workspace: owner.workspace, by: owner.token)
                    let path = ws + "/connections/" + connection
                    let moved = try await api.request(.patch, path, token: admin.token,
                                                      body: ["settings": ["authMethod": "bearer", "baseUrl": .string(evil)]])
                    #expect(moved.status == 422 && moved.errorCode == "validation_failed", "\(moved.text)")
                    let overridden = try await api.request(.patch, path, token: admin.token, body: ["serviceUrl": .string(evil)])
                    #expect(overridden.status == 422)
                    // Within the same origin the settings may change (and are verified there).
                    let samePlace = try await api.request(.patch, path, token: admin.token,
                                                          body: ["settings": ["authMethod": "bearer", "baseUrl": .string(base + "/v2")]])
                    #expect(samePlace.status == 200, "\(samePlace.text)")
                }
            }
        }
        #expect(stolen.all.isEmpty)
    }
}
