import Foundation
import SpojkaCore
import Synchronization

/// The bookkeeping of successful tool calls (access record, `lastUsedAt`), committed off the caller's path.
///
/// Writes queue here and commit together in one transaction, started `window` after the first write that finds no
/// commit in flight (group commit: sequential calls share a transaction too; no task runs while the queue is empty). A batch that fails is retried one write per
/// transaction so one bad write loses no other. Beyond `limit` queued writes the caller commits its own (back-pressure).
/// Reads that must see them call `flush()`; the server flushes at shutdown. A process killed outright loses at most
/// the writes of the last few milliseconds: the call itself has happened, only its log line and `lastUsedAt` are missing.
final class CallLedger: Sendable {
    typealias Write = @Sendable (any StoreTransaction) async throws -> Void

    private struct State {
        var pending: [Write] = []
        var committing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let store: any Store
    private let limit: Int
    private let window: Duration
    private let state = Mutex(State())

    init(store: any Store, limit: Int = 10_000, window: Duration = .milliseconds(5)) {
        self.store = store; self.limit = limit; self.window = window
    }

    /// Queues `write`; false when the queue is full and the caller must commit it itself.
    func enqueue(_ write: @escaping Write) -> Bool {
        let lead = state.withLock { s -> Bool? in
            guard s.pending.count < limit else { return nil }
            s.pending.append(write)
            if s.committing { return false }
            s.committing = true
            return true
        }
        guard let lead else { return false }
        if lead {
            Task {
                try? await Task.sleep(for: self.window)
                await self.commitPending()
            }
        }
        return true
    }

    /// Returns once every write queued before the call is committed (or dropped after failing alone).
    func flush() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { s -> Bool in
                if !s.committing { return true }
                s.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func commitPending() async {
        while true {
            let batch = state.withLock { s -> [Write] in
                defer { s.pending.removeAll(keepingCapacity: true) }
                return s.pending
            }
            if batch.isEmpty {
                let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>]? in
                    guard s.pending.isEmpty else { return nil }
                    s.committing = false
                    defer { s.waiters = [] }
                    return s.waiters
                }
                guard let waiters else { continue }
                for waiter in waiters { waiter.resume() }
                return
            }
            do {
                try await store.transaction { tx in for write in batch { try await write(tx) } }
            } catch {
                for write in batch { try? await store.transaction { try await write($0) } }
            }
        }
    }
}
