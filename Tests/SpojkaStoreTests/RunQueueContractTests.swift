import Foundation
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

/// The shared run queue on SQLite and PostgreSQL: claims, the per-workspace limit, lease watching, depth and age.
@Suite("Run queue contract")
struct RunQueueContractTests {
    let ids = SystemIDGenerator()
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A workspace with a workflow and `count` queued runs created one second apart from `from`.
    func queue(_ store: SQLStore, count: Int, from: Date) async throws -> (ID<Workspace>, [ID<Run>]) {
        let ws = Workspace(id: ids.make(), name: "W", createdAt: t0)
        let wf = Workflow(id: ids.make(), workspaceID: ws.id, name: "F", enabled: true, currentVersion: 1, createdAt: t0, updatedAt: t0)
        let runs = (0..<count).map { i in
            Run(id: ids.make(), workspaceID: ws.id, workflowID: wf.id, version: 1, status: .running, trigger: "webhook", input: ["i": .int(i)],
                startedBy: nil, createdAt: from.addingTimeInterval(Double(i)))
        }
        try await store.transaction { tx in
            try await tx.insertWorkspace(ws)
            try await tx.insertWorkflow(wf)
            for run in runs { try await tx.insertRun(run) }
        }
        return (ws.id, runs.map(\.id))
    }

    func claim(_ store: SQLStore, _ owner: String, at now: Date, limit: Int, perWorkspace: Int) async throws -> [Run] {
        try await store.transaction { tx in
            try await (tx as! any RunQueueStore).claimQueued(owner: owner, now: now, until: now.addingTimeInterval(30), limit: limit,
                                                              perWorkspace: perWorkspace)
        }
    }

    func renew(_ store: SQLStore, _ owner: String, until: Date, _ executing: [ID<Run>]) async throws -> [ID<Run>: Run.Status] {
        let gone = try await store.transaction { tx in
            try await (tx as! any RunQueueStore).renewLeases(owner: owner, until: until, executing: executing)
        }
        return Dictionary(uniqueKeysWithValues: gone.map { ($0.id, $0.status) })
    }

    /// A fresh store of `backend` with `count` queued runs of one workspace.
    func withQueued(_ backend: Backend, _ count: Int, _ body: @Sendable (SQLStore, [ID<Run>]) async throws -> Void) async throws {
        try await TestDatabase.withDriver(backend) { driver in
            let store = SQLStore(driver: driver)
            try await body(store, try await queue(store, count: count, from: t0).1)
        }
    }

    @Test(arguments: StoreContractTests.backends)
    func oneWorkspacesBacklogDoesNotStarveAnother(_ backend: Backend) async throws {
        try await TestDatabase.withDriver(backend) { driver in
            let store = SQLStore(driver: driver)
            let (_, backlog) = try await queue(store, count: 10, from: t0)
            let (_, later) = try await queue(store, count: 2, from: t0.addingTimeInterval(100))
            let now = t0.addingTimeInterval(200)
            let stats = try await store.read { try await ($0 as! any RunQueueStore).queueStats(now: now) }
            #expect(stats == RunQueueStats(depth: 12, oldest: t0))

            let first = try await claim(store, "eng_a", at: now, limit: 5, perWorkspace: 3)
            #expect(first.map(\.id) == Array(backlog.prefix(3)) + later, "three of the busy workspace, then the quiet one's")
            #expect(first.allSatisfy { $0.lease?.owner == "eng_a" })
            #expect(try await claim(store, "eng_b", at: now, limit: 5, perWorkspace: 3).isEmpty, "the busy workspace is at its limit")
            let stats2 = try await store.read { try await ($0 as! any RunQueueStore).queueStats(now: now) }
            #expect(stats2 == RunQueueStats(depth: 7, oldest: t0.addingTimeInterval(3)))

            // A finished run frees its workspace's slot; an expired lease makes a run claimable again.
            var done = first[0]
            done.status = .completed
            let finished = done
            #expect(try await store.transaction { try await $0.finishRun(finished) })
            #expect(try await claim(store, "eng_b", at: now, limit: 5, perWorkspace: 3).map(\.id) == [backlog[3]])
            let expired = try await claim(store, "eng_c", at: now.addingTimeInterval(31), limit: 20, perWorkspace: 100)
            #expect(Set(expired.map(\.id)) == Set(backlog.dropFirst(1)).union(later), "everything unfinished, its leases lapsed")
        }
    }

    @Test(arguments: StoreContractTests.backends)
    func renewalReportsRunsCancelledOrTakenOver(_ backend: Backend) async throws {
        try await withQueued(backend, 3) { store, runs in
            let now = t0.addingTimeInterval(10)
            #expect(try await claim(store, "eng_a", at: now, limit: 3, perWorkspace: 10).count == 3)
            let cancelled = runs[0]
            #expect(try await store.transaction { try await $0.transitionRun(cancelled, from: [.running], to: .cancelled, error: nil, at: now) })
            // eng_a stalls past its lease; eng_b takes the runs over; eng_a's next renewal learns it.
            #expect(try await claim(store, "eng_b", at: now.addingTimeInterval(31), limit: 3, perWorkspace: 10).map(\.id) == Array(runs.dropFirst()))
            let gone = try await renew(store, "eng_a", until: now.addingTimeInterval(60), runs)
            #expect(gone == [runs[0]: .cancelled, runs[1]: .running, runs[2]: .running])
            #expect(try await renew(store, "eng_b", until: now.addingTimeInterval(60), Array(runs.dropFirst())).isEmpty)
        }
    }

    @Test(arguments: StoreContractTests.backends)
    func concurrentClaimersNeverTakeTheSameRun(_ backend: Backend) async throws {
        try await withQueued(backend, 60) { store, runs in
            let now = t0.addingTimeInterval(100)
            let claimed = try await withThrowingTaskGroup(of: [ID<Run>].self) { group in
                for i in 0..<6 {
                    group.addTask {
                        var mine: [ID<Run>] = []
                        while true {
                            let got = try await claim(store, "eng_\(i)", at: now, limit: 4, perWorkspace: 1000)
                            if got.isEmpty { return mine }
                            mine += got.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [ID<Run>]()) { $0 += $1 }
            }
            #expect(claimed.count == 60 && Set(claimed) == Set(runs), "each run claimed exactly once")
        }
    }
}
