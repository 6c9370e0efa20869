import Foundation
import Hummingbird
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

/// Issue 10 item 7: nesting is bounded on every input, and no stored record can break a list.
@Suite("Limits: JSON nesting depth and unreadable records")
struct NestingLimitTests {
    /// `depth` nested arrays around `1`.
    static func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth) }

    @Test func bodiesAndWebhookPayloadsNestedDeeperThan64LevelsAreRefusedWith422() async throws {
        let app = try TestApp()
        try await app.runLive { _, api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Echo", [Flow.manual], []))
            let runs = "/api/v1/workspaces/\(owner.workspace)/workflows/\(id)/runs"
            // The body is one level deeper than its `input`.
            let fits = try await api.request(.post, runs, token: owner.token, raw: #"{"input": \#(Self.nested(63))}"#)
            #expect(fits.status == 202, "\(fits.text)")
            for depth in [64, 1500, 100_000] {
                let deep = try await api.request(.post, runs, token: owner.token, raw: #"{"input": \#(Self.nested(depth))}"#)
                #expect(deep.status == 422 && deep.errorCode == "nesting_too_deep", "\(depth): \(deep.status) \(deep.text.prefix(300))")
                #expect(deep.json["error"]?["details"]?["maxDepth"] == 64)
            }
            let hooks = WebhookTests()
            let (hook, _) = try await hooks.setUp(api, owner)
            let payload = #"{"id": \#(Self.nested(80))}"#
            let refused = try await hooks.post(api, hook, body: payload, headers: hooks.signed(payload, at: app.clock.now()))
            #expect(refused.status == 422 && refused.errorCode == "nesting_too_deep", "\(refused.text)")
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs", token: owner.token)
            #expect(list.status == 200 && list.json["items"]?.arrayValue?.count == 1, "refused bodies start no run: \(list.text)")
        }
    }

    @Test func aLoopThatNestsWithoutBoundFailsClearlyAndTheRunsListStillAnswers() async throws {
        try await TestApp().runLive { _, api in
            let owner = try await api.setUp()
            // Each iteration wraps the previous value in one more array: 600 iterations once broke GET /runs for good.
            let id = try await api.saveWorkflow(owner, Flow.definition("Nest", [
                Flow.manual,
                Flow.node("again", "loop", ["mode": "times", "count": 600]),
                Flow.node("wrap", "transform", ["template": "{{ [acc] }}"], output: "acc"),
                Flow.node("reply", "response", ["body": "{{ acc }}"]),
            ], [Flow.edge("start", "again"), Flow.edge("again", "wrap", "body"), Flow.edge("again", "reply", "complete")]))
            let answer = try await api.runAndWait(owner, id)
            #expect(answer.json["status"] == "failed", "\(answer.text.prefix(500))")
            #expect(answer.json["error"]?["code"] == "nesting_too_deep", "\(answer.text.prefix(500))")
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?limit=1", token: owner.token)
            #expect(list.status == 200 && list.json["items"]?.arrayValue?.count == 1, "\(list.text.prefix(500))")
        }
    }

    @Test func storedRecordsThatAreDeepOrUnreadableNeverBreakTheRunsList() async throws {
        let app = try TestApp()
        try await app.runLive { _, api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Plain", [Flow.manual], []))
            var started: [String] = []
            for _ in 0..<3 {
                let answer = try await api.runAndWait(owner, id)
                started.append(try #require(answer.json["id"]?.stringValue, "\(answer.text)"))
            }
            let runIDs = started
            // As written by older versions (or damaged): 1000 levels (past the old reader's 512) and text that is not JSON.
            let deep = Self.nested(1000)
            try await app.withStore { store in
                try await store.driver.transaction { db in
                    try await db.execute("UPDATE runs SET output = ? WHERE id = ?", [.text(deep), .text(runIDs[0])])
                    try await db.execute("UPDATE runs SET output = ? WHERE id = ?", [.text(#"{"half": ["#), .text(runIDs[1])])
                    try await db.execute("UPDATE runs SET input = ? WHERE id = ?", [.text("not json"), .text(runIDs[1])])
                }
            }
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs", token: owner.token)
            #expect(list.status == 200, "\(list.text.prefix(300))")
            let items = Dictionary(uniqueKeysWithValues: (list.json["items"]?.arrayValue ?? []).map { ($0["id"]?.stringValue ?? "", $0) })
            #expect(items.count == 3)
            #expect(items[runIDs[0]]?["output"]?.depth == 1000, "a deep stored value is shown whole")
            #expect(items[runIDs[1]]?["output"]?["unreadable"]?.stringValue?.contains("could not be read") == true, "\(list.text.prefix(300))")
            let one = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs/\(runIDs[1])", token: owner.token)
            #expect(one.status == 200 && one.json["input"]?["unreadable"] != nil, "\(one.text.prefix(300))")
        }
    }

    @Test func aServiceAnswerNestedTooDeeplyFailsTheCallClearly() async throws {
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        let router = EchoReplica.router()
        router.get("/deep") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: Self.nested(100))))
        }
        try await ReplicaServer.run(router) { base in
            try await app.run { api in
                let owner = try await api.setUp()
                let ws = "/api/v1/workspaces/\(owner.workspace)"
                let created = try await api.request(.post, ws + "/connections", token: owner.token, body: [
                    "connector": "http", "name": "Echo", "settings": ["authMethod": "bearer", "baseUrl": .string(base)], "credentials": ["token": "t0ken"]])
                let connection = try #require(created.json["id"]?.stringValue, "\(created.text)")
                let deep = try await api.request(.post, ws + "/tool-calls", token: owner.token, body: [
                    "connector": "http", "tool": "http_get", "connection": .string(connection), "arguments": ["url": "/deep"]])
                #expect(deep.errorCode == "invalid_output" && deep.text.contains("deeper than 64 levels"), "\(deep.status) \(deep.text)")
                let echo = try await api.request(.post, ws + "/tool-calls", token: owner.token, body: [
                    "connector": "http", "tool": "http_get", "connection": .string(connection), "arguments": ["url": "/echo"]])
                #expect(echo.status == 200, "\(echo.text)")
            }
        }
    }
}
