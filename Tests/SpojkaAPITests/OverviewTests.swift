import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The console's lists through the real app: workflows with their newest run and broken nodes, the approvals inbox, run filters.
@Suite("Overview lists: workflows, approvals, runs")
struct OverviewTests {
    static let backends: [Backend] = [.sqlite] + (TestDatabase.isAvailable(.postgres) ? [.postgres] : [])

    func app(_ backend: Backend) async throws -> TestApp {
        guard backend == .postgres else { return try TestApp() }
        let url = try await TestDatabase.createPostgresDatabase()
        return try TestApp(configure: { $0.databaseURL = url })
    }

    typealias Person = (token: String, user: String)

    /// The app on `backend` with an owner, a member (m@example.com) and a viewer; `ws` is the workspace's API path.
    func withTeam(_ backend: Backend, _ body: @escaping @Sendable (TestAPI, Owner, Person, Person, String) async throws -> Void) async throws {
        try await app(backend).run { api in
            let owner = try await api.setUp()
            let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let viewer = try await api.addMember("v@example.com", role: "viewer", workspace: owner.workspace, by: owner.token)
            try await body(api, owner, member, viewer, "/api/v1/workspaces/\(owner.workspace)")
        }
    }

    @Test(arguments: backends)
    func theWorkflowListIsAKeysetPageWithTriggerNewestRunBrokenNodesAndAuthor(_ backend: Backend) async throws {
        try await withTeam(backend) { api, owner, member, viewer, ws in
            let manual = try await api.saveWorkflow(owner, Flow.definition("A manual", [Flow.manual, Flow.node("reply", "response", ["body": "ok"])],
                                                                          [Flow.edge("start", "reply")]))
            _ = try await WebhookTests().setUp(api, owner)  // "Orders", webhook-triggered
            let conn = try #require(try await api.request(.post, ws + "/connections?verify=false", token: owner.token, body: [
                "connector": "stripe", "name": "Stripe", "credentials": ["secretKey": "sk_test_listCanary1"]]).json["id"]?.stringValue)
            let stripe = try await api.saveWorkflow(owner, WorkflowTests().definition(connection: conn, name: "C stripe"))
            #expect(try await api.runAndWait(owner, manual).json["status"] == "completed")
            _ = try await api.request(.put, ws + "/workflows/\(manual)", token: member.token,
                                      body: Flow.definition("A manual", [Flow.manual, Flow.node("reply", "response", ["body": "v2"])], [Flow.edge("start", "reply")]))
            #expect(try await api.request(.delete, ws + "/connections/\(conn)?force=true", token: owner.token).status == 204)

            let first = try await api.request(.get, ws + "/workflows?limit=2", token: viewer.token)
            #expect(first.status == 200, "\(first.text)")
            let cursor = try #require(first.json["nextCursor"]?.stringValue)
            let second = try await api.request(.get, ws + "/workflows?limit=2&cursor=\(cursor)", token: viewer.token)
            #expect(second.json["nextCursor"] == .null, "the last page says so")
            let items = (first.json["items"]?.arrayValue ?? []) + (second.json["items"]?.arrayValue ?? [])
            #expect(items.compactMap { $0["name"]?.stringValue } == ["A manual", "C stripe", "Orders"], "ordered by name across pages")
            let byName = Dictionary(uniqueKeysWithValues: items.map { ($0["name"]?.stringValue ?? "", $0) })
            #expect(byName["A manual"]?["triggerKind"] == "manual" && byName["Orders"]?["triggerKind"] == "webhook")
            #expect(byName["A manual"]?["lastRun"]?["status"] == "completed" && byName["A manual"]?["lastRun"]?["trigger"] == "manual")
            #expect(byName["Orders"]?["lastRun"] == .null && byName["A manual"]?["version"] == 2)
            #expect(byName["A manual"]?["updatedBy"]?["email"] == "m@example.com", "the author of the current version")
            #expect(byName["Orders"]?["updatedBy"]?["email"] == "owner@example.com")
            #expect(byName["C stripe"]?["broken"] == [["node": "customers", "connection": .string(conn), "reason": "connection deleted"]])
            #expect(byName["C stripe"]?["id"] == .string(stripe) && byName["A manual"]?["broken"] == [])
            #expect(!first.text.contains("sk_test_listCanary1") && !second.text.contains("sk_test_listCanary1"))
            let bad = try await api.request(.get, ws + "/workflows?cursor=%25%25", token: owner.token)
            #expect(bad.status == 422)
        }
    }

    @Test(arguments: backends)
    func theApprovalsInboxListsOnlyWhatTheCallerMayDecide(_ backend: Backend) async throws {
        try await withTeam(backend) { api, owner, member, viewer, ws in
            func waiting(_ name: String, _ approvers: JSONValue) async throws -> String {
                let id = try await api.saveWorkflow(owner, Flow.definition(name, [
                    Flow.manual, Flow.node("ask", "human", ["message": "Refund {{ input.amount }}?", "approvers": approvers], output: "d"),
                    Flow.node("done", "response", ["body": "{{ d.decision }}"]),
                ], [Flow.edge("start", "ask"), Flow.edge("ask", "done")]))
                let run = try await api.runAndWait(owner, id, input: ["amount": 12])
                #expect(run.json["status"] == "waiting", "\(run.text)")
                return try #require(run.json["id"]?.stringValue)
            }
            let admins = try await waiting("Admins decide", ["roles": ["admin"]])
            let named = try await waiting("Member decides", ["users": .array([.string(member.user)])])
            let anyone = try await waiting("Anyone decides", [:])
            func inbox(_ token: String, limit: Int = 50) async throws -> [String] {
                var runs: [String] = []
                var cursor: String?
                repeat {
                    let page = try await api.request(.get, ws + "/approvals?limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                    #expect(page.status == 200, "\(page.text)")
                    runs += page.json["items"]?.arrayValue?.compactMap { $0["runId"]?.stringValue } ?? []
                    cursor = page.json["nextCursor"]?.stringValue
                } while cursor != nil
                return runs
            }
            #expect(Set(try await inbox(owner.token, limit: 1)) == [admins, anyone], "paged one at a time; the owner is not the named user")
            #expect(Set(try await inbox(member.token)) == [named, anyone])
            #expect(try await inbox(viewer.token).isEmpty, "a viewer decides nothing unless named")
            let item = try #require(try await api.request(.get, ws + "/approvals", token: member.token).json["items"]?.arrayValue?
                .first { $0["runId"] == .string(named) })
            #expect(item["message"] == "Refund 12?" && item["nodeId"] == "ask" && item["workflow"]?["name"] == "Member decides")
            #expect(item["run"]?["input"] == ["amount": 12] && item["run"]?["trigger"] == "manual")
            #expect(try await api.request(.post, ws + "/runs/\(named)/approvals/ask", token: member.token, body: ["decision": "approve"]).status == 200)
            _ = try await api.waitForRun(owner, named, ["completed"])
            #expect(try await inbox(member.token) == [anyone], "a decided approval leaves the inbox")
            _ = try await api.request(.post, ws + "/runs/\(anyone)/cancel", token: owner.token)
            #expect(try await inbox(member.token).isEmpty, "a cancelled run asks nothing")
        }
    }

    @Test func runsFilterByTriggerAndNameTheirWorkflow() async throws {
        let app = try TestApp()
        try await app.run { api in
            let owner = try await api.setUp()
            let ws = "/api/v1/workspaces/\(owner.workspace)"
            let hooks = WebhookTests()
            let (hook, workflow) = try await hooks.setUp(api, owner)
            let body = #"{"id": 5}"#
            let accepted = try await hooks.post(api, hook, body: body, headers: hooks.signed(body, at: app.clock.now()))
            let hooked = try #require(accepted.json["runId"]?.stringValue, "\(accepted.text)")
            _ = try await api.waitForRun(owner, hooked, ["completed"])
            let manual = try #require(try await api.runAndWait(owner, workflow, input: ["body": ["id": 6]]).json["id"]?.stringValue)
            let webhookRuns = try await api.request(.get, ws + "/runs?trigger=webhook", token: owner.token)
            #expect(webhookRuns.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [hooked])
            #expect(webhookRuns.json["items"]?[0]?["workflowName"] == "Orders")
            let manualRuns = try await api.request(.get, ws + "/runs?trigger=manual&workflow=\(workflow)", token: owner.token)
            #expect(manualRuns.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [manual])
            #expect(try await api.run(owner, manual)["workflowName"] == "Orders")
            let bad = try await api.request(.get, ws + "/runs?trigger=carrier-pigeon", token: owner.token)
            #expect(bad.status == 422 && bad.text.contains("trigger"))
        }
    }
}
