import Foundation
import SpojkaCore
import SpojkaSecrets
import SpojkaTestSupport
import Testing

@Suite("Schedules")
struct ScheduleTests {
    func scheduled(catchUp: Bool) -> JSONValue {
        Flow.definition("Every five minutes", [
            Flow.node("tick", "trigger", ["kind": "schedule", "cron": "*/5 * * * *", "timezone": "Australia/Sydney", "catchUp": .bool(catchUp)]),
            Flow.node("echo", "transform", ["template": "{{ input.scheduledAt }}"]),
        ], [Flow.edge("tick", "echo")])
    }

    func runs(_ api: TestAPI, _ owner: Owner, _ workflow: String) async throws -> [JSONValue] {
        let answer = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?workflow=\(workflow)&limit=200", token: owner.token)
        guard answer.status == 200, let items = answer.json["items"]?.arrayValue else {
            throw TestFailure("listing runs answered \(answer.status): \(answer.text.prefix(300))")
        }
        return items
    }

    /// Waits until `workflow` has `count` runs; a failure names what the servers logged at warning level and above.
    func waitForRuns(_ api: TestAPI, _ owner: Owner, _ workflow: String, count: Int, apps: [TestApp] = []) async throws -> [JSONValue] {
        let deadline = Date().addingTimeInterval(30)
        var seen = 0
        while Date() < deadline {
            let found = try await runs(api, owner, workflow)
            seen = found.count
            if found.count >= count {
                try await Task.sleep(for: .milliseconds(400))  // a second firing would show up by now
                return try await runs(api, owner, workflow)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let logged = apps.flatMap(\.logs.all).filter { $0.hasPrefix("warning") || $0.hasPrefix("error") || $0.hasPrefix("critical") }
        throw TestFailure("expected \(count) runs of \(workflow), saw \(seen); servers logged: \(logged.suffix(20))")
    }

    @Test func slotsFireOnceAndMissedSlotsAreSkippedUnlessCatchingUp() async throws {
        let app = try TestApp(configure: { $0.engineTickSeconds = 0.05 })
        try await app.run { api in
            let owner = try await api.setUp()
            let skip = try await api.saveWorkflow(owner, scheduled(catchUp: false))
            let catchUp = try await api.saveWorkflow(owner, scheduled(catchUp: true))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await runs(api, owner, skip).isEmpty, "nothing fires before the first slot")
            app.clock.advance(by: 300)
            let first = try await waitForRuns(api, owner, skip, count: 1)
            #expect(first.count == 1 && first[0]["trigger"] == "schedule")
            #expect(first[0]["input"]?["timezone"] == "Australia/Sydney")
            app.clock.advance(by: 3600)
            #expect(try await waitForRuns(api, owner, skip, count: 2).count == 2, "twelve missed slots fire once")
            #expect(try await waitForRuns(api, owner, catchUp, count: 13).count == 13, "catch-up fires every missed slot")
            _ = try await api.request(.patch, "/api/v1/workspaces/\(owner.workspace)/workflows/\(skip)", token: owner.token, body: ["enabled": false])
            app.clock.advance(by: 300)
            _ = try await waitForRuns(api, owner, catchUp, count: 14)
            #expect(try await runs(api, owner, skip).count == 2, "a disabled workflow's schedule does not fire")
        }
    }

    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func twoServersOnOnePostgresFireEachSlotOnce() async throws {
        let url = try await TestDatabase.createPostgresDatabase()
        let key = MasterKey.generate().base64().reveal()
        let clock = TestClock()
        let a = try TestApp(configure: { $0.databaseURL = url; $0.masterKey = key; $0.engineTickSeconds = 0.05 }, clock: clock)
        let b = try TestApp(configure: { $0.databaseURL = url; $0.masterKey = key; $0.engineTickSeconds = 0.05 }, clock: clock)
        try await a.run { apiA in
            let owner = try await apiA.setUp()
            let id = try await apiA.saveWorkflow(owner, scheduled(catchUp: false))
            try await b.run { apiB in
                for round in 1...3 {
                    clock.advance(by: 300)
                    let found = try await waitForRuns(apiB, owner, id, count: round, apps: [a, b])
                    #expect(found.count == round, "round \(round): \(found.count) runs")
                }
            }
        }
    }
}
