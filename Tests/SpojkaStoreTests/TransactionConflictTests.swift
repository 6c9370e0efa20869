import Foundation
import SpojkaCore
import SpojkaRuns
import SpojkaStore
import SpojkaTestSupport
import Synchronization
import Testing

/// A transaction that loses to a concurrent one is reported as `conflict`, and the run journal runs such a batch again.
@Suite("Transaction conflicts")
struct TransactionConflictTests {
    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func aPostgresDeadlockIsAConflictAndTheOtherTransactionCommits() async throws {
        try await TestDatabase.withDriver(.postgres) { driver in
            try await driver.transaction { sql in
                try await sql.execute("CREATE TABLE conflict_probe (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)")
                try await sql.execute("INSERT INTO conflict_probe (id, v) VALUES (1, 0), (2, 0)")
            }
            let firstHoldsOne = Promise<Void>(), secondHoldsTwo = Promise<Void>()
            // Each locks one row, then asks for the other's: PostgreSQL ends the wait by failing one of them.
            let outcomes = await withTaskGroup(of: Result<Void, any Error>.self) { group in
                group.addTask {
                    await Self.outcome {
                        try await driver.transaction { sql in
                            try await sql.execute("UPDATE conflict_probe SET v = v + 1 WHERE id = 1")
                            firstHoldsOne.fulfil(())
                            await secondHoldsTwo.value
                            try await sql.execute("UPDATE conflict_probe SET v = v + 1 WHERE id = 2")
                        }
                    }
                }
                group.addTask {
                    await Self.outcome {
                        try await driver.transaction { sql in
                            await firstHoldsOne.value
                            try await sql.execute("UPDATE conflict_probe SET v = v + 10 WHERE id = 2")
                            secondHoldsTwo.fulfil(())
                            try await Task.sleep(for: .milliseconds(200))  // the first now waits for row 2
                            try await sql.execute("UPDATE conflict_probe SET v = v + 10 WHERE id = 1")
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let failures = outcomes.compactMap { outcome -> (any Error)? in if case .failure(let error) = outcome { error } else { nil } }
            #expect(failures.count == 1, "exactly one transaction loses")
            #expect((failures.first as? StoreError)?.code == .conflict, "\(failures)")
            let rows = try await driver.transaction { try await $0.query("SELECT v FROM conflict_probe ORDER BY id", []) }
            let values = rows.map { $0["v"]?.int }
            #expect(values == [1, 1] || values == [10, 10], "the winner's writes only: \(values)")
        }
    }

    @Test func theJournalRunsABatchThatLostAConflictAgain() async throws {
        try await TestDatabase.withDriver(.sqlite) { driver in
            let real = SQLStore(driver: driver)
            let (workspace, run) = try await Self.workspaceAndRun(real)
            let flaky = ConflictingStore(real, conflicts: 2)
            try await GroupCommitJournal(store: flaky).write([.insertRun(run)])
            #expect(flaky.attempts == 3)
            #expect(try await real.read { try await $0.run(run.id, in: workspace) }?.id == run.id)

            let hopeless = ConflictingStore(real, conflicts: 100)
            let second = Run(id: ID(rawValue: run.id.rawValue + "b"), workspaceID: workspace, workflowID: run.workflowID, version: 1,
                             status: .running, trigger: "manual", input: [:], startedBy: nil, createdAt: run.createdAt)
            await #expect(throws: StoreError.self) { try await GroupCommitJournal(store: hopeless).write([.insertRun(second)]) }
            #expect(hopeless.attempts == GroupCommitJournal.maxAttempts, "bounded")
            #expect(try await real.read { try await $0.run(second.id, in: workspace) } == nil, "nothing half-written")
        }
    }

    static func outcome(_ body: () async throws -> Void) async -> Result<Void, any Error> {
        do { try await body(); return .success(()) } catch { return .failure(error) }
    }

    static func workspaceAndRun(_ store: SQLStore) async throws -> (ID<Workspace>, Run) {
        let ids = SystemIDGenerator(), t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let ws = Workspace(id: ids.make(), name: "W", createdAt: t0)
        let wf = Workflow(id: ids.make(), workspaceID: ws.id, name: "F", enabled: true, currentVersion: 1, createdAt: t0, updatedAt: t0)
        try await store.transaction { tx in
            try await tx.insertWorkspace(ws)
            try await tx.insertWorkflow(wf)
        }
        let run = Run(id: ids.make(), workspaceID: ws.id, workflowID: wf.id, version: 1, status: .running, trigger: "manual", input: [:],
                      startedBy: nil, createdAt: t0)
        return (ws.id, run)
    }
}

/// A store whose first `conflicts` transactions fail as a lost conflict before touching the database, as a deadlock
/// victim's would after its rollback; then it is the real store.
final class ConflictingStore: Store {
    private let real: any Store
    private let left: Mutex<(conflicts: Int, attempts: Int)>

    init(_ real: any Store, conflicts: Int) {
        self.real = real
        left = Mutex((conflicts, 0))
    }

    var attempts: Int { left.withLock { $0.attempts } }

    func transaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        let conflict = left.withLock { state in
            state.attempts += 1
            state.conflicts -= 1
            return state.conflicts >= 0
        }
        if conflict { throw StoreError(.conflict, "the transaction lost to a concurrent one") }
        return try await real.transaction(body)
    }

    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T { try await real.read(body) }
    func isReady() async -> Bool { await real.isReady() }
}
