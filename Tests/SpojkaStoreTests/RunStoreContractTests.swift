import Foundation
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

/// Runs, steps, leases, webhooks and schedule slots on SQLite and PostgreSQL.
@Suite("Run store contract")
struct RunStoreContractTests {
    let ids = SystemIDGenerator()
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func seeded(_ store: SQLStore) async throws -> (ID<Workspace>, Workflow) {
        let user = User(id: ids.make(), email: "o@example.com", name: "O", createdAt: t0)
        let ws = Workspace(id: ids.make(), name: "W", createdAt: t0)
        let wf = Workflow(id: ids.make(), workspaceID: ws.id, name: "F", enabled: true, currentVersion: 1, createdAt: t0, updatedAt: t0)
        try await store.transaction { tx in
            try await tx.insertUser(user, passwordHash: nil)
            try await tx.insertWorkspace(ws)
            try await tx.insertWorkflow(wf)
        }
        return (ws.id, wf)
    }

    @Test(arguments: StoreContractTests.backends)
    func runsStepsAndLeases(_ backend: Backend) async throws {
        try await TestDatabase.withDriver(backend) { driver in
            let store = SQLStore(driver: driver)
            let (ws, wf) = try await seeded(store)
            var draft = Run(id: ids.make(), workspaceID: ws, workflowID: wf.id, version: 1, status: .running, trigger: "manual",
                          input: ["a": 1], startedBy: nil, createdAt: t0)
            draft.lease = ("eng_a", t0.addingTimeInterval(30))
            let run = draft
            let step = RunStep(runID: run.id, key: "x@0", sequence: 1, nodeID: "x", type: "transform", status: .completed,
                               startedAt: t0, finishedAt: t0, output: ["ok": true])
            try await store.transaction { tx in try await tx.insertRun(run); try await tx.upsertStep(step) }
            #expect(try await store.read { try await $0.steps(of: run.id) } == [step])
            let early = try await store.transaction { try await $0.claimRuns(owner: "eng_b", now: t0.addingTimeInterval(10), until: t0.addingTimeInterval(40), limit: 10) }
            #expect(early.isEmpty, "a live lease is not taken over")
            let late = try await store.transaction { try await $0.claimRuns(owner: "eng_b", now: t0.addingTimeInterval(31), until: t0.addingTimeInterval(61), limit: 10) }
            #expect(late.map(\.id) == [run.id] && late.first?.lease?.owner == "eng_b")
            var done = run
            done.status = .completed
            done.output = ["ok": true]
            done.finishedAt = t0
            let finished = done
            var other = run
            other.id = ids.make()
            let unrelated = other
            try await store.transaction { try await $0.insertRun(unrelated) }
            #expect(try await store.transaction { try await $0.finishRun(finished) })
            #expect(!(try await store.transaction { try await $0.finishRun(finished) }), "a finished run is not finished twice")
            #expect(try await store.read { try await $0.run(run.id) }?.output == ["ok": true])
            let second = unrelated.id
            #expect(try await store.transaction { try await $0.transitionRun(second, from: [.running], to: .cancelled, error: ["code": "cancelled"], at: t0) })
            #expect(!(try await store.transaction { try await $0.transitionRun(second, from: [.running], to: .completed, error: nil, at: t0) }),
                    "a finished run does not change again")
            let read = try #require(try await store.read { try await $0.run(second, in: ws) })
            #expect(read.status == .cancelled && read.error == ["code": "cancelled"] && read.lease == nil && read.finishedAt == t0)
            let page = try await store.read { try await $0.runs(in: ws, RunQuery(workflow: wf.id, status: .cancelled)) }
            #expect(page.map(\.id) == [second])
        }
    }

    @Test(arguments: StoreContractTests.backends)
    func webhooksAndScheduleSlotsAreClaimedOnce(_ backend: Backend) async throws {
        try await TestDatabase.withDriver(backend) { driver in
            let store = SQLStore(driver: driver)
            let (ws, wf) = try await seeded(store)
            let hook = try await store.transaction { try await $0.webhookID(of: wf.id, in: ws, orCreate: "hk_one") }
            let again = try await store.transaction { try await $0.webhookID(of: wf.id, in: ws, orCreate: "hk_two") }
            #expect(hook == "hk_one" && again == "hk_one")
            #expect(try await store.read { try await $0.webhook("hk_one") }?.workflow == wf.id)
            let schedule = Schedule(workflowID: wf.id, workspaceID: ws, cron: "*/5 * * * *", timeZone: "UTC", catchUp: false, enabled: true, lastSlot: t0)
            try await store.transaction { try await $0.setSchedule(schedule, workflow: wf.id) }
            let slot = t0.addingTimeInterval(300)
            async let first = store.transaction { try await $0.claimSlot(wf.id, from: t0, to: slot) }
            async let second = store.transaction { try await $0.claimSlot(wf.id, from: t0, to: slot) }
            let wins = [try await first, try await second].filter { $0 }.count
            #expect(wins == 1)
            #expect(try await store.read { try await $0.schedules() }.first?.lastSlot == slot)
            try await store.transaction { try await $0.setSchedule(nil, workflow: wf.id) }
            #expect(try await store.read { try await $0.schedules() }.isEmpty)
        }
    }
}
