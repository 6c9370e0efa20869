import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Workflows: the environment guard keeps non-production workflows off production connections")
struct EnvironmentGuardTests {
    static let key = "sk_test_ENVGUARD5555"

    func flow(_ connection: String, environment: String?, allowProduction: Bool? = nil) -> JSONValue {
        var definition = Flow.definition("Lookup", [
            Flow.manual,
            Flow.node("lookup", "connector", ["connector": "stripe", "tool": "get_customer", "connection": .string(connection),
                                              "arguments": ["id": "cus_7"]], output: "customer",
                      extra: allowProduction.map { ["allowProduction": .bool($0)] } ?? [:]),
            Flow.node("reply", "response", ["body": ["email": "{{ customer.email }}"]]),
        ], [Flow.edge("start", "lookup"), Flow.edge("lookup", "reply")])
        if let environment, case .object(var members) = definition { members["environment"] = .string(environment); definition = .object(members) }
        return definition
    }

    /// A production and a staging Stripe connection against one replica.
    func withConnections(_ body: @Sendable (KeyedStripe, TestAPI, Owner, _ production: String, _ staging: String) async throws -> Void) async throws {
        try await KeyedStripe.serving(accepting: Self.key) { stripe, base, api, owner, _ in
            var ids: [String] = []
            for (name, environment) in [("Stripe live", "production"), ("Stripe test", "staging")] {
                let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                                    body: ["connector": "stripe", "name": .string(name), "credentials": ["secretKey": .string(Self.key)],
                                                           "serviceUrl": .string(base), "environment": .string(environment)])
                ids.append(try #require(created.json["id"]?.stringValue, "\(created.text)"))
            }
            try await body(stripe, api, owner, ids[0], ids[1])
        }
    }

    @Test func savingAStagingWorkflowOnAProductionConnectionIsRefusedUnlessTheNodeAllowsIt() async throws {
        try await withConnections { _, api, owner, production, staging in
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let refused = try await api.request(.post, base, token: owner.token, body: flow(production, environment: "staging"))
            #expect(refused.status == 422 && refused.errorCode == "invalid_workflow", "\(refused.text)")
            let field = refused.json["error"]?["details"]?["fields"]?[0]
            #expect(field?["path"] == "nodes.lookup.config.connection")
            #expect(field?["message"]?.stringValue?.contains(production) == true && field?["message"]?.stringValue?.contains("lookup") == true)

            let onStaging = try await api.request(.post, base, token: owner.token, body: flow(staging, environment: "staging"))
            #expect(onStaging.status == 201 && onStaging.json["environment"] == "staging" && onStaging.json["warnings"] == [], "\(onStaging.text)")

            let allowed = try await api.request(.post, base, token: owner.token, body: flow(production, environment: "development", allowProduction: true))
            #expect(allowed.status == 201, "\(allowed.text)")
            #expect(allowed.json["definition"]?["nodes"]?[1]?["allowProduction"] == true, "the override is part of the definition")
            let audit = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/audit", token: owner.token)
            let saved = audit.json["items"]?.arrayValue?.first { $0["target"] == allowed.json["id"] && $0["action"] == "workflow.saved" }
            #expect(saved?["details"]?["allowProduction"] == ["lookup"] && saved?["details"]?["environment"] == "development", "\(audit.text)")

            let badFlag = try await api.request(.post, base, token: owner.token, body: flow(production, environment: "staging", allowProduction: false))
            #expect(badFlag.status == 422, "false is not an override")
            let unknown = try await api.request(.post, base, token: owner.token, body: flow(staging, environment: "qa"))
            #expect(unknown.status == 422 && unknown.text.contains("environment"))
        }
    }

    @Test func aProductionWorkflowIsTheDefaultAndSavesOnANonProductionConnectionWithAWarning() async throws {
        try await withConnections { _, api, owner, production, staging in
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let plain = try await api.request(.post, base, token: owner.token, body: flow(production, environment: nil))
            #expect(plain.status == 201 && plain.json["environment"] == "production" && plain.json["warnings"] == [], "\(plain.text)")
            let warned = try await api.request(.post, base, token: owner.token, body: flow(staging, environment: "production"))
            #expect(warned.status == 201, "\(warned.text)")
            let warning = try #require(warned.json["warnings"]?[0])
            #expect(warning["path"] == "nodes.lookup.config.connection")
            #expect(warning["message"]?.stringValue?.contains(staging) == true && warning["message"]?.stringValue?.contains("staging") == true)
        }
    }

    @Test func aConnectionMovedToProductionAfterTheSaveBreaksTheWorkflowAndItsRunIsRefusedAtTheNode() async throws {
        try await withConnections { stripe, api, owner, production, staging in
            let id = try await api.saveWorkflow(owner, flow(staging, environment: "staging"))
            let first = try await api.runAndWait(owner, id)
            #expect(first.json["status"] == "completed", "\(first.text)")
            let calls = stripe.log.all.count

            let moved = try await api.request(.patch, "/api/v1/workspaces/\(owner.workspace)/connections/\(staging)", token: owner.token,
                                              body: ["environment": "production"])
            #expect(moved.status == 200 && moved.json["environment"] == "production", "\(moved.text)")
            let read = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/workflows/\(id)", token: owner.token)
            #expect(read.json["broken"]?[0]?["node"] == "lookup" && read.json["broken"]?[0]?["connection"]?.stringValue == staging, "\(read.text)")

            let second = try await api.runAndWait(owner, id)
            #expect(second.json["status"] == "failed" && second.json["error"]?["code"] == "production_connection_refused", "\(second.text)")
            #expect(second.json["error"]?["nodeId"] == "lookup")
            let message = try #require(second.json["error"]?["message"]?.stringValue)
            #expect(message.contains("lookup") && message.contains(staging))
            #expect(stripe.log.all.count == calls, "nothing reached the production connection's service")

            let allowedID = try await api.saveWorkflow(owner, flow(production, environment: "staging", allowProduction: true))
            let allowed = try await api.runAndWait(owner, allowedID)
            #expect(allowed.json["status"] == "completed" && allowed.json["output"]?["email"] == "a@b.co", "\(allowed.text)")
        }
    }
}
