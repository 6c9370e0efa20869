import Foundation
import Hummingbird
import Logging
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Synchronization
import Testing

/// A Stripe-like replica whose accepted keys can change (rotation, revocation); it echoes the key in one field
/// (as a careless API might) so scrubbing is tested.
final class KeyedStripe: Sendable {
    let accepted = Mutex<Set<String>>([])
    let log = RequestLog()

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.get("/v1/balance") { [self] request, _ in try reply(request, #"{"object":"balance","available":[{"amount":100,"currency":"usd"}],"pending":[],"livemode":false}"#) }
        router.get("/v1/customers/{id}") { [self] request, context in
            let key = request.headers[.authorization]?.replacingOccurrences(of: "Bearer ", with: "") ?? ""
            let id = context.parameters.get("id") ?? ""
            return try reply(request, #"{"id":"\#(id)","object":"customer","email":"a@b.co","name":"A","description":"seen key \#(key)","livemode":false}"#)
        }
        return router
    }

    func reply(_ request: Request, _ json: String) throws -> Response {
        let key = request.headers[.authorization]?.replacingOccurrences(of: "Bearer ", with: "") ?? ""
        guard accepted.withLock({ $0.contains(key) }) else {
            return Response(status: .unauthorized, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: .init(string: #"{"error":{"message":"Invalid API Key provided","type":"invalid_request_error"}}"#)))
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: json)))
    }
}

@Suite("Connections")
struct ConnectionTests {
    static let keyA = "sk_test_CANARYaaaaaaaa1111", keyB = "sk_test_CANARYbbbbbbbb2222", bad = "sk_test_WRONGkey0000"

    func withStripe(_ body: @Sendable (KeyedStripe, String, TestAPI, (token: String, workspace: String, user: String), TestApp) async throws -> Void) async throws {
        let stripe = KeyedStripe()
        stripe.accepted.withLock { $0 = [Self.keyA] }
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        try await ReplicaServer.run(stripe.router) { base in
            try await app.run { api in
                let owner = try await api.setUp()
                try await body(stripe, base, api, owner, app)
            }
        }
    }

    func create(_ api: TestAPI, _ owner: (token: String, workspace: String, user: String), base: String, key: String = keyA,
                name: String = "Stripe - Production", query: String = "") async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections\(query)", token: owner.token,
                              body: ["connector": "stripe", "name": .string(name), "credentials": ["secretKey": .string(key)],
                                     "serviceUrl": .string(base)])
    }

    @Test func createVerifiesFirstAndShowsNoSecret() async throws {
        try await withStripe { _, base, api, owner, _ in
            let created = try await create(api, owner, base: base)
            #expect(created.status == 201, "\(created.text)")
            let json = created.json
            #expect(json["id"]?.stringValue?.hasPrefix("conn_") == true)
            #expect(json["status"] == "active" && json["account"] == "test mode")
            #expect(json["credentialFields"] == ["secretKey"] && json["environment"] == "production")
            #expect(json["owner"]?["email"] == "owner@example.com" && json["connectorVersion"] != nil)
            #expect(!created.text.contains("CANARY"))
            let wrong = try await create(api, owner, base: base, key: Self.bad, name: "Wrong")
            #expect(wrong.status == 422 && wrong.errorCode == "verification_failed" && wrong.text.contains("Invalid API Key"))
            let malformed = try await create(api, owner, base: base, key: "pk_live_nope", name: "Malformed")
            #expect(malformed.status == 422 && malformed.text.contains("credentials.secretKey") && !malformed.text.contains("pk_live_nope"))
            let offline = try await create(api, owner, base: base, key: Self.bad, name: "Offline", query: "?verify=false")
            #expect(offline.status == 201 && offline.json["status"] == "error" && offline.json["statusReason"] == "not verified")
            let utility = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                                body: ["connector": "text", "name": "T", "credentials": [:]])
            #expect(utility.status == 400)
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token)
            #expect(list.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Offline", "Stripe - Production"])
        }
    }

    @Test func rotationProvesBeforeItStoresAndStatusFollowsTheService() async throws {
        try await withStripe { stripe, base, api, owner, _ in
            let id = try #require(try await create(api, owner, base: base).json["id"]?.stringValue)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            let call: JSONValue = ["connector": "stripe", "tool": "get_customer", "connection": .string(id), "arguments": ["id": "cus_1"]]
            let calls = "/api/v1/workspaces/\(owner.workspace)/tool-calls"
            let failed = try await api.request(.put, path + "/credentials", token: owner.token, body: ["credentials": ["secretKey": .string(Self.bad)]])
            #expect(failed.status == 422 && failed.errorCode == "verification_failed")
            let stillWorks = try await api.request(.post, calls, token: owner.token, body: call)
            #expect(stillWorks.status == 200 && stillWorks.json["output"]?["id"] == "cus_1")
            #expect(stillWorks.json["output"]?["description"] == "seen key [redacted]")
            // The service revokes the key: the next call flips the connection to reauthorize.
            stripe.accepted.withLock { $0 = [Self.keyB] }
            let rejected = try await api.request(.post, calls, token: owner.token, body: call)
            #expect(rejected.status == 424 && rejected.errorCode == "auth_rejected")
            let flagged = try await api.request(.get, path, token: owner.token)
            #expect(flagged.json["status"] == "reauthorize" && flagged.json["statusReason"]?.stringValue?.contains("Invalid API Key") == true)
            let rotated = try await api.request(.put, path + "/credentials", token: owner.token, body: ["credentials": ["secretKey": .string(Self.keyB)]])
            #expect(rotated.status == 200 && rotated.json["status"] == "active" && rotated.json["id"]?.stringValue == id)
            #expect(try await api.request(.post, calls, token: owner.token, body: call).status == 200)
            let events = try await api.request(.get, path + "/events", token: owner.token)
            let types = events.json["items"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
            #expect(types.contains("status_changed") && types.contains("credentials_rotated") && types.contains("recovered"))
            let access = try await api.request(.get, path + "/access-log", token: owner.token)
            #expect(access.json["items"]?.arrayValue?.contains { $0["purpose"] == "tool_call" && $0["tool"] == "get_customer" && $0["actor"]?.stringValue == owner.user } == true)
            #expect(!events.text.contains("CANARY") && !access.text.contains("CANARY"))
        }
    }

    @Test func renameKeepsTheIDAndSettingsChangesAreVerified() async throws {
        try await withStripe { _, base, api, owner, _ in
            let id = try #require(try await create(api, owner, base: base).json["id"]?.stringValue)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            let renamed = try await api.request(.patch, path, token: owner.token, body: ["name": "Stripe - AU", "environment": "staging"])
            #expect(renamed.json["id"]?.stringValue == id && renamed.json["name"] == "Stripe - AU" && renamed.json["environment"] == "staging")
            let badURL = try await api.request(.patch, path, token: owner.token, body: ["serviceUrl": "http://127.0.0.1:9"])
            #expect(badURL.status == 422)
            #expect(try await api.request(.get, path, token: owner.token).json["serviceUrl"]?.stringValue == base)
            let filtered = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections?environment=staging&q=au", token: owner.token)
            #expect(filtered.json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func guardedAndForcedDelete() async throws {
        try await withStripe { _, base, api, owner, app in
            let id = try #require(try await create(api, owner, base: base).json["id"]?.stringValue)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            try await app.withStore { store in
                try await store.transaction { tx in
                    try await tx.recordUsage(workspace: ID(rawValue: owner.workspace), connection: id, workflowID: "wf_1",
                                             workflowName: "Nightly sync", version: 3, enabled: true)
                }
            }
            let usage = try await api.request(.get, path + "/usage", token: owner.token)
            #expect(usage.json["total"] == 1 && usage.json["workflows"]?[0]?["versions"] == [3])
            let refused = try await api.request(.delete, path, token: owner.token)
            #expect(refused.status == 409 && refused.errorCode == "connection_in_use" && refused.text.contains("Nightly sync"))
            #expect(try await api.request(.delete, path + "?force=true", token: owner.token).status == 204)
            let gone = try await api.request(.get, path, token: owner.token)
            #expect(gone.status == 404 && gone.errorCode == "connection_not_found")
            let call = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                             body: ["connector": "stripe", "tool": "get_balance", "connection": .string(id), "arguments": [:]])
            #expect(call.status == 404 && call.text.contains(id))
            let remaining = try await app.withStore { store in
                try await store.read { try await $0.sealedCredentials(of: ID(rawValue: id)) }.count
            }
            #expect(remaining == 0)
            let events = try await api.request(.get, path + "/events", token: owner.token)
            #expect(events.json["items"]?.arrayValue?.last?["type"] == "deleted")
        }
    }

    @Test func rolesAndWorkspaceSealing() async throws {
        try await withStripe { _, base, api, owner, _ in
            let id = try #require(try await create(api, owner, base: base).json["id"]?.stringValue)
            let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let viewer = try await api.addMember("v@example.com", role: "viewer", workspace: owner.workspace, by: owner.token)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            #expect(try await api.request(.patch, path, token: member.token, body: ["name": "mine now"]).status == 403)
            #expect(try await api.request(.delete, path, token: member.token).status == 403)
            #expect(try await api.request(.get, path + "/access-log", token: member.token).status == 403)
            let memberCall = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: member.token,
                                                   body: ["connector": "stripe", "tool": "get_balance", "connection": .string(id), "arguments": [:]])
            #expect(memberCall.status == 200)
            let own = try await create(api, (member.token, owner.workspace, member.user), base: base, name: "Member's")
            let ownID = try #require(own.json["id"]?.stringValue)
            #expect(try await api.request(.patch, "/api/v1/workspaces/\(owner.workspace)/connections/\(ownID)", token: member.token,
                                          body: ["name": "Renamed by member"]).status == 200)
            #expect(try await create(api, (viewer.token, owner.workspace, viewer.user), base: base, name: "Viewer's").status == 403)
            #expect(try await api.request(.get, path, token: viewer.token).status == 200)
            let other = try await api.request(.post, "/api/v1/workspaces", token: member.token, body: ["name": "Other"])
            let otherWS = try #require(other.json["id"]?.stringValue)
            let cross = try await api.request(.get, "/api/v1/workspaces/\(otherWS)/connections/\(id)", token: member.token)
            #expect(cross.status == 404)
            let crossCall = try await api.request(.post, "/api/v1/workspaces/\(otherWS)/tool-calls", token: member.token,
                                                  body: ["connector": "stripe", "tool": "get_balance", "connection": .string(id), "arguments": [:]])
            #expect(crossCall.status == 404)
        }
    }

    @Test func theCredentialCanaryNeverLeaks() async throws {
        try await withStripe { _, base, api, owner, app in
            let id = try #require(try await create(api, owner, base: base).json["id"]?.stringValue)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            _ = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                      body: ["connector": "stripe", "tool": "get_customer", "connection": .string(id), "arguments": ["id": "cus_9"]])
            _ = try await api.request(.post, path + "/verify", token: owner.token)
            _ = try await api.request(.put, path + "/credentials", token: owner.token, body: ["credentials": ["secretKey": .string(Self.bad)]])
            for read in ["", "/events", "/usage", "/access-log"] { _ = try await api.request(.get, path + read, token: owner.token) }
            _ = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/audit", token: owner.token)
            #expect(!api.transcript.all.joined().contains("CANARY"))
            #expect(!app.logs.all.joined().contains("CANARY"))
            let files = [app.config.sqlitePath, app.config.sqlitePath + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }
            #expect(files.allSatisfy { $0.range(of: Data("CANARY".utf8)) == nil })
        }
    }
}
