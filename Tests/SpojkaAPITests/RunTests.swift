import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Runs: node types, templates, steps")
struct RunTests {
    @Test func transformConditionAndResponseEndTheRunWithTheResponseBody() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Order check", [
                Flow.manual,
                Flow.node("shape", "transform", ["template": ["total": "{{ input.order.total }}", "label": "Order {{ input.order.id }}"]], output: "shaped"),
                Flow.node("big", "condition", ["combine": "and", "rules": [["field": "{{ shaped.total }}", "operator": "gt", "value": 100]]]),
                Flow.node("yes", "response", ["status": 201, "headers": ["X-Kind": "big"], "body": ["big": true, "label": "{{ shaped.label }}"]]),
                Flow.node("no", "response", ["status": 200, "body": ["big": false, "total": "{{ shaped.total }}"]]),
            ], [Flow.edge("start", "shape"), Flow.edge("shape", "big"), Flow.edge("big", "yes", "true"), Flow.edge("big", "no", "false")]))
            let big = try await api.runAndWait(owner, id, input: ["order": ["id": 7, "total": .double(250.5)]])
            #expect(big.status == 200 && big.json["status"] == "completed", "\(big.text)")
            #expect(big.json["output"] == ["big": true, "label": "Order 7"])
            #expect(big.json["response"]?["status"] == 201)
            let small = try await api.runAndWait(owner, id, input: ["order": ["id": 8, "total": 3]])
            #expect(small.json["output"] == ["big": false, "total": 3])
            let run = try await api.run(owner, try #require(small.json["id"]?.stringValue))
            let steps = run["steps"]?.arrayValue?.compactMap { $0["nodeId"]?.stringValue }
            #expect(steps == ["start", "shape", "big", "no"], "the untaken branch never runs; steps are in commit order")
            #expect(run.stepsByKey["big"]?["output"] == ["result": false])
            #expect(run["version"] == 1 && run["trigger"] == "manual")
        }
    }

    @Test func loopsIterateWithItemAndIndexAndCollectResults() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Loops", [
                Flow.manual,
                Flow.node("each", "loop", ["mode": "forEach", "array": "{{ input.items }}", "itemVariable": "sku"], output: "each"),
                Flow.node("line", "transform", ["template": ["n": "{{ index }}", "sku": "{{ sku }}"]], output: "line"),
                Flow.node("thrice", "loop", ["mode": "times", "count": 3], output: "thrice"),
                Flow.node("square", "transform", ["template": "{{ sum([index, index]) }}"]),
                Flow.node("until", "loop", ["mode": "while", "maxIterations": 10,
                                             "condition": ["rules": [["field": "{{ counter || `0` }}", "operator": "lt", "value": 4]]]], output: "until"),
                Flow.node("bump", "transform", ["template": "{{ sum([counter || `0`, `2`]) }}"], output: "counter"),
                Flow.node("reply", "response", ["body": ["each": "{{ each }}", "thrice": "{{ thrice }}", "until": "{{ until }}"]]),
            ], [Flow.edge("start", "each"), Flow.edge("each", "line", "body"), Flow.edge("line", "each"), Flow.edge("each", "thrice", "complete"),
                Flow.edge("thrice", "square", "body"), Flow.edge("thrice", "until", "complete"),
                Flow.edge("until", "bump", "body"), Flow.edge("bump", "until"), Flow.edge("until", "reply", "complete")]))
            let answer = try await api.runAndWait(owner, id, input: ["items": ["a", "b"]])
            #expect(answer.json["status"] == "completed", "\(answer.text)")
            #expect(answer.json["output"]?["each"] == [["n": 0, "sku": "a"], ["n": 1, "sku": "b"]])
            #expect(answer.json["output"]?["thrice"] == [0, 2, 4])
            #expect(answer.json["output"]?["until"] == [2, 4])
            let run = try await api.run(owner, try #require(answer.json["id"]?.stringValue))
            #expect(run.stepsByKey["line@1"]?["output"] == ["n": 1, "sku": "b"], "loop body steps are keyed by iteration")
        }
    }

    @Test func parallelBranchesJoinAndDeadBranchesDoNotBlockAJoin() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Fan out", [
                Flow.manual,
                Flow.node("split", "parallel", ["branches": 3]),
                Flow.node("a", "transform", ["template": "A"], output: "a"),
                Flow.node("b", "transform", ["template": "B"], output: "b"),
                Flow.node("check", "condition", ["rules": [["field": "{{ input.flag }}", "operator": "equals", "value": true]]]),
                Flow.node("c", "transform", ["template": "C"], output: "c"),
                Flow.node("join", "response", ["body": ["a": "{{ a }}", "b": "{{ b }}", "c": "{{ c }}"]]),
            ], [Flow.edge("split", "a", "0"), Flow.edge("split", "b", "1"), Flow.edge("split", "check", "2"), Flow.edge("start", "split"),
                Flow.edge("check", "c", "true"), Flow.edge("a", "join"), Flow.edge("b", "join"), Flow.edge("c", "join")]))
            let with = try await api.runAndWait(owner, id, input: ["flag": true])
            #expect(with.json["output"] == ["a": "A", "b": "B", "c": "C"], "\(with.text)")
            let without = try await api.runAndWait(owner, id, input: ["flag": 1])
            #expect(without.json["output"] == ["a": "A", "b": "B", "c": nil], "equals is type-strict; the join still runs without c")
        }
    }

    @Test func aTemplateErrorFailsTheStepNamingTheExpression() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Bad math", [
                Flow.manual, Flow.node("calc", "transform", ["template": "{{ sum(input.a) }}"]),
                Flow.node("soft", "transform", ["template": "{{ abs(input.a) }}"], extra: ["onError": "continue"]),
            ], [Flow.edge("start", "soft"), Flow.edge("soft", "calc")]))
            let answer = try await api.runAndWait(owner, id, input: ["a": "text"])
            #expect(answer.json["status"] == "failed", "\(answer.text)")
            #expect(answer.json["error"]?["nodeId"] == "calc" && answer.json["error"]?["code"] == "template_error")
            #expect(answer.json["error"]?["message"]?.stringValue?.contains("sum(input.a)") == true)
            let run = try await api.run(owner, try #require(answer.json["id"]?.stringValue))
            #expect(run.stepsByKey["soft"]?["status"] == "failed" && run.stepsByKey["calc"]?["status"] == "failed")
        }
    }

    @Test func humanApprovalWaitsAndResumesOrFailsWithTheReason() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let id = try await api.saveWorkflow(owner, Flow.definition("Refund", [
                Flow.manual,
                Flow.node("ask", "human", ["message": "Refund {{ input.amount }}?", "approvers": ["roles": ["admin"]], "timeoutMinutes": 60], output: "decision"),
                Flow.node("done", "response", ["body": ["approved": "{{ decision.decision }}"]]),
            ], [Flow.edge("start", "ask"), Flow.edge("ask", "done")]))
            let base = "/api/v1/workspaces/\(owner.workspace)/runs"
            let waiting = try await api.runAndWait(owner, id, input: ["amount": 12])
            #expect(waiting.status == 202 && waiting.json["status"] == "waiting", "\(waiting.text)")
            let runID = try #require(waiting.json["id"]?.stringValue)
            #expect(try await api.run(owner, runID).stepsByKey["ask"]?["input"]?["message"] == "Refund 12?")
            let denied = try await api.request(.post, "\(base)/\(runID)/approvals/ask", token: member.token, body: ["decision": "approve"])
            #expect(denied.status == 403, "a member is not an admin approver")
            let bad = try await api.request(.post, "\(base)/\(runID)/approvals/ask", token: owner.token, body: ["decision": "maybe"])
            #expect(bad.status == 422)
            let ok = try await api.request(.post, "\(base)/\(runID)/approvals/ask", token: owner.token, body: ["decision": "approve", "comment": "fine"])
            #expect(ok.status == 200, "\(ok.text)")
            let done = try await api.waitForRun(owner, runID, ["completed", "failed"])
            #expect(done["status"] == "completed" && done["output"] == ["approved": "approve"], "\(done)")
            let second = try #require(try await api.runAndWait(owner, id, input: ["amount": 99]).json["id"]?.stringValue)
            _ = try await api.request(.post, "\(base)/\(second)/approvals/ask", token: owner.token, body: ["decision": "reject", "comment": "too much"])
            let rejected = try await api.waitForRun(owner, second, ["completed", "failed"])
            #expect(rejected["status"] == "failed" && rejected["error"]?["code"] == "approval_rejected")
            #expect(rejected["error"]?["message"]?.stringValue?.contains("too much") == true)
            let again = try await api.request(.post, "\(base)/\(second)/approvals/ask", token: owner.token, body: ["decision": "approve"])
            #expect(again.status == 409)
        }
    }

    @Test func approvalsTimeOutAndRunsCanBeCancelled() async throws {
        let app = try TestApp(configure: { $0.engineTickSeconds = 0.05 })
        try await app.run { api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Wait", [
                Flow.manual, Flow.node("ask", "human", ["message": "ok?", "timeoutMinutes": 1]),
            ], [Flow.edge("start", "ask")]))
            let first = try #require(try await api.runAndWait(owner, id).json["id"]?.stringValue)
            let second = try #require(try await api.runAndWait(owner, id).json["id"]?.stringValue)
            let cancelled = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/runs/\(second)/cancel", token: owner.token)
            #expect(cancelled.json["status"] == "cancelled", "\(cancelled.text)")
            app.clock.advance(by: 61)
            let timedOut = try await api.waitForRun(owner, first, ["failed"])
            #expect(timedOut["error"]?["code"] == "approval_timeout")
            #expect(try await api.run(owner, second)["status"] == "cancelled", "a cancelled run stays cancelled")
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?status=failed&workflow=\(id)", token: owner.token)
            #expect(list.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [first])
            let page = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?limit=1", token: owner.token)
            let cursor = try #require(page.json["nextCursor"]?.stringValue)
            let next = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?limit=1&cursor=\(cursor)", token: owner.token)
            #expect(Set([page.json["items"]?[0]?["id"], next.json["items"]?[0]?["id"]].compactMap { $0?.stringValue }) == [first, second])
            #expect(try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?status=done", token: owner.token).status == 422)
        }
    }

    @Test func subworkflowsReturnTheChildOutput() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let child = try await api.saveWorkflow(owner, Flow.definition("Double", [
                Flow.manual, Flow.node("out", "response", ["body": ["doubled": "{{ sum([input.n, input.n]) }}"]]),
            ], [Flow.edge("start", "out")]))
            let parent = try await api.saveWorkflow(owner, Flow.definition("Caller", [
                Flow.manual, Flow.node("call", "subworkflow", ["workflow": .string(child), "input": ["n": "{{ input.value }}"]], output: "child"),
                Flow.node("reply", "response", ["body": "{{ child.doubled }}"]),
            ], [Flow.edge("start", "call"), Flow.edge("call", "reply")]))
            let answer = try await api.runAndWait(owner, parent, input: ["value": 21])
            #expect(answer.json["output"] == 42, "\(answer.text)")
            let runs = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?workflow=\(child)", token: owner.token)
            #expect(runs.json["items"]?[0]?["parentRunId"] == answer.json["id"] && runs.json["items"]?[0]?["trigger"] == "subworkflow")
        }
    }

    @Test func aRunTimeoutStopsTheRun() async throws {
        let app = try TestApp()
        try await app.run { api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Slow", [
                Flow.manual, Flow.node("ask", "human", ["message": "never answered"]),
                Flow.node("after", "transform", ["template": 1]),
            ], [Flow.edge("start", "ask"), Flow.edge("ask", "after")], timeout: 5))
            let runID = try #require(try await api.runAndWait(owner, id).json["id"]?.stringValue)
            app.clock.advance(by: 10)
            let approved = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/runs/\(runID)/approvals/ask", token: owner.token,
                                                 body: ["decision": "approve"])
            #expect(approved.status == 200)
            let ended = try await api.waitForRun(owner, runID, ["timed_out", "completed"])
            #expect(ended["status"] == "timed_out" && ended["error"]?["code"] == "run_timeout")
        }
    }
}
