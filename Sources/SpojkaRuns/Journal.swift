import SpojkaCore

/// One write of the run journal.
public enum JournalWrite: Sendable {
    /// A new run.
    case insertRun(Run)
    /// A run's new state.
    case updateRun(Run)
    /// A step record.
    case step(RunStep)
    /// Any other write that must commit with the step (e.g. a connection's access record and status).
    case custom(@Sendable (any StoreTransaction) async throws -> Void)

    func apply(_ tx: any StoreTransaction) async throws {
        switch self {
        case .insertRun(let run): try await tx.insertRun(run)
        case .updateRun(let run): try await tx.updateRun(run)
        case .step(let step): try await tx.upsertStep(step)
        case .custom(let body): try await body(tx)
        }
    }
}

/// Where runs and steps are recorded: returning from `write` means the writes are durable.
public protocol RunJournal: Sendable {
    /// Commits the writes together.
    func write(_ writes: [JournalWrite]) async throws
}

/// Journals nothing: runs live in memory only (used to measure the engine's own cost).
public struct MemoryJournal: RunJournal {
    /// Creates the journal.
    public init() {}
    /// Does nothing.
    public func write(_ writes: [JournalWrite]) async throws {}
}

/// Group commit: writes of concurrent runs that arrive while a transaction is in flight commit together in the next one.
///
/// The writer that finds no transaction in flight leads: it commits every pending write (its own first), then hands
/// the lead to the oldest writer still waiting. No background task is involved. A transaction that loses to a
/// concurrent one (`StoreError.Code.conflict`: a deadlock on PostgreSQL) was rolled back whole and is run again, up to
/// `maxAttempts` times; any other failure fails every writer in it.
public actor GroupCommitJournal: RunJournal {
    private enum Role { case committed, lead }
    private struct Entry {
        let ticket: Int
        let writes: [JournalWrite]
    }

    let store: any Store
    let maxBatch: Int
    /// Attempts of one batch's transaction when it loses a conflict.
    public static let maxAttempts = 3
    private var pending: [Entry] = []
    private var waiters: [Int: CheckedContinuation<Role, any Error>] = [:]
    private var nextTicket = 0
    private var flushing = false

    /// Creates a journal over `store`; one transaction takes at most `maxBatch` writers.
    public init(store: any Store, maxBatch: Int = 512) {
        self.store = store
        self.maxBatch = maxBatch
    }

    /// Commits `writes`, batched with those of concurrent writers.
    public func write(_ writes: [JournalWrite]) async throws {
        let ticket = nextTicket
        nextTicket += 1
        pending.append(Entry(ticket: ticket, writes: writes))
        if flushing {
            let role = try await withCheckedThrowingContinuation { waiters[ticket] = $0 }
            if role == .committed { return }
        } else {
            flushing = true
        }
        let batch = Array(pending.prefix(maxBatch))
        pending.removeFirst(batch.count)
        let all = batch.flatMap(\.writes)
        // In its own task: cancelling the leader's run (a user cancel) must not cancel the other writers' commit.
        let store = self.store
        let outcome: Result<Void, any Error> = await Task {
            var attempt = 1
            while true {
                do {
                    try await store.transaction { tx in for write in all { try await write.apply(tx) } }
                    return .success(())
                } catch let error as StoreError where error.code == .conflict && attempt < Self.maxAttempts {
                    attempt += 1
                } catch {
                    return .failure(error)
                }
            }
        }.value
        for entry in batch where entry.ticket != ticket {
            switch outcome {
            case .success: waiters.removeValue(forKey: entry.ticket)?.resume(returning: .committed)
            case .failure(let error): waiters.removeValue(forKey: entry.ticket)?.resume(throwing: error)
            }
        }
        if let next = pending.first { waiters.removeValue(forKey: next.ticket)?.resume(returning: .lead) } else { flushing = false }
        try outcome.get()
    }
}
