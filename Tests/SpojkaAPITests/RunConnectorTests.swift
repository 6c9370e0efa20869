import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Runs: connector nodes through connections")
struct RunConnectorTests {
    static let key = "sk_test_RUNCANARY77777"

    func flow(_ connection: String) -> JSONValue {
        Flow.definition("Customer lookup", [
            Flow.manual,
            Flow.node("lookup", "connector", ["connector": "stripe", "tool": "get_customer", "connection": .string(connection),
                                              "arguments": ["id": "{{ input.customer }}"]], output: "customer"),
            Flow.node("reply", "response", ["body": ["email": "{{ customer.email }}", "note": "{{ customer.description }}"]]),
        ], [Flow.edge("start", "lookup"), Flow.edge("lookup", "reply")])
    }

    func withStripe(_ body: @Sendable (KeyedStripe, TestAPI, Owner, String, TestApp) async throws -> Void) async throws {
        try await KeyedStripe.serving(accepting: Self.key) { stripe, base, api, owner, app in
            let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                                body: ["connector": "stripe", "name": "Stripe", "credentials": ["secretKey": .string(Self.key)],
                                                       "serviceUrl": .string(base)])
            try await body(stripe, api, owner, try #require(created.json["id"]?.stringValue, "\(created.text)"), app)
        }
    }

    @Test func aConnectorStepCallsThroughTheConnectionWithTheSecretInjectedAndScrubbed() async throws {
        try await withStripe { stripe, api, owner, connection, app in
            let id = try await api.saveWorkflow(owner, flow(connection))
            let answer = try await api.runAndWait(owner, id, input: ["customer": "cus_42"])
            #expect(answer.json["status"] == "completed", "\(answer.text)")
            #expect(answer.json["output"]?["email"] == "a@b.co")
            #expect(answer.json["output"]?["note"]?.stringValue?.contains("[redacted]") == true, "the echoed key is scrubbed")
            let run = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs/\(try #require(answer.json["id"]?.stringValue))", token: owner.token)
            #expect(run.json.stepsByKey["lookup"]?["connectionId"]?.stringValue == connection)
            #expect(run.json.stepsByKey["lookup"]?["input"] == ["id": "cus_42"])
            #expect(stripe.log.all.last?.headers["authorization"] == "Bearer \(Self.key)", "the replica saw the injected key")
            let log = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections/\(connection)/access-log", token: owner.token)
            #expect(log.text.contains("run:"), "the decryption is logged with the run as actor")
            for text in api.transcript.all + app.logs.all { #expect(!text.contains(Self.key)) }
            try await app.withStore { store in
                let steps = try await store.read { try await $0.steps(of: ID(rawValue: try #require(answer.json["id"]?.stringValue))) }
                #expect(!"\(steps)".contains(Self.key))
            }
        }
    }

    @Test func aRevokedKeyFailsTheStepAndTheConnectionAsksForReauthorization() async throws {
        try await withStripe { stripe, api, owner, connection, _ in
            let id = try await api.saveWorkflow(owner, flow(connection))
            stripe.accepted.withLock { $0 = [] }
            let answer = try await api.runAndWait(owner, id, input: ["customer": "cus_1"])
            #expect(answer.json["status"] == "failed" && answer.json["error"]?["code"] == "auth_rejected", "\(answer.text)")
            #expect(answer.json["error"]?["nodeId"] == "lookup")
            let read = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections/\(connection)", token: owner.token)
            #expect(read.json["status"] == "reauthorize")
        }
    }

    @Test func aForceDeletedConnectionBreaksTheWorkflowAndFailsTheStepByName() async throws {
        try await withStripe { _, api, owner, connection, _ in
            let id = try await api.saveWorkflow(owner, flow(connection))
            let guarded = try await api.request(.delete, "/api/v1/workspaces/\(owner.workspace)/connections/\(connection)", token: owner.token)
            #expect(guarded.status == 409)
            let forced = try await api.request(.delete, "/api/v1/workspaces/\(owner.workspace)/connections/\(connection)?force=true", token: owner.token)
            #expect(forced.status == 204)
            let workflow = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/workflows/\(id)", token: owner.token)
            #expect(workflow.json["broken"]?[0]?["node"] == "lookup" && workflow.json["broken"]?[0]?["connection"]?.stringValue == connection)
            let answer = try await api.runAndWait(owner, id, input: ["customer": "cus_1"])
            #expect(answer.json["status"] == "failed" && answer.json["error"]?["code"] == "connection_not_found")
            let message = try #require(answer.json["error"]?["message"]?.stringValue)
            #expect(message.contains("lookup") && message.contains(connection))
        }
    }
}
