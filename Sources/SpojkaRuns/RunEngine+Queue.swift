import Foundation
import SpojkaCore
import Synchronization

/// Wakes one waiter at once, or the next one to wait when none waits yet.
final class Doorbell: Sendable {
    private let state = Mutex<(rung: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    /// Wakes the waiter (or lets the next `wait` return at once).
    func ring() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter { s.waiter = nil; return w }
            s.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on a ring, after `timeout`, or on cancellation.
    func wait(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.ring()
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = state.withLock { s -> Bool in
                        if s.rung { s.rung = false; return true }
                        s.waiter = c
                        return false
                    }
                    if now { c.resume() }
                }
            } onCancel: { self.ring() }
            group.cancelAll()
        }
    }
}

extension RunEngine {
    /// Whether runs not answered synchronously go through the database queue (durable journal only: in memory, runs
    /// never reach the database).
    var queues: Bool { !(journal is MemoryJournal) }

    /// Hands a job to the executor, counting it against this process's capacity.
    func schedule(_ job: Job) {
        inflight.add(1, ordering: .relaxed)
        held.withLock { _ = $0.insert(job.runID) }
        enqueue.yield(job)
    }

    /// After a job ended: frees its slot and wakes the claim loop.
    func done(_ job: Job) {
        held.withLock { _ = $0.remove(job.runID) }
        inflight.subtract(1, ordering: .relaxed)
        doorbell.ring()
    }

    /// The runs this process holds: scheduled or executing, subworkflow children included.
    var holding: Set<ID<Run>> { held.withLock { $0 }.union(driving.withLock { $0 }) }

    /// Claims queued runs whenever this process has free capacity: at once when it queued one itself or a run ended
    /// here, otherwise every `poll` (runs queued by other processes).
    func claimLoop() async {
        while !Task.isCancelled {
            let free = options.maxConcurrentRuns - inflight.load(ordering: .relaxed)
            var more = false
            if free > 0 {
                let want = min(free, options.claimBatch)
                more = await claim(want) == want
            }
            if !more { await doorbell.wait(upTo: min(options.poll, options.tick)) }
        }
    }

    /// One claim; returns how many runs it took.
    func claim(_ limit: Int) async -> Int {
        let now = clock.now()
        let until = now.addingTimeInterval(Self.seconds(options.lease))
        let (owner, perWorkspace) = (self.owner, options.maxRunsPerWorkspace)
        do {
            let runs = try await store.transaction { tx -> [Run] in
                guard let queue = tx as? any RunQueueStore else { return try await tx.claimRuns(owner: owner, now: now, until: until, limit: limit) }
                return try await queue.claimQueued(owner: owner, now: now, until: until, limit: limit, perWorkspace: perWorkspace)
            }
            // A run this process already executes (its renewal came late) keeps its one execution here.
            let mine = holding
            let claimed = runs.filter { !mine.contains($0.id) }
            if !claimed.isEmpty {
                logger.info("claimed queued runs", metadata: ["runs": .string(claimed.map(\.id.rawValue).joined(separator: ","))])
            }
            for run in claimed { schedule(.claimed(run)) }
            return runs.count
        } catch {
            logger.error("claiming queued runs failed", metadata: ["error": .string("\(error)")])
            return 0
        }
    }

    /// Renews this process's leases; a run cancelled or taken over meanwhile stops here at once (its task is cancelled).
    func renew(now: Date) async throws {
        let until = now.addingTimeInterval(Self.seconds(options.lease))
        let owner = self.owner
        let executing = Array(holding)
        let gone = try await store.transaction { tx -> [(id: ID<Run>, status: Run.Status)] in
            guard let queue = tx as? any RunQueueStore else {
                try await tx.renewLeases(owner: owner, until: until)
                return []
            }
            return try await queue.renewLeases(owner: owner, until: until, executing: executing)
        }
        for (id, status) in gone {
            if status == .cancelled {
                if cancelled.withLock({ $0.insert(id).inserted }) {
                    logger.info("run cancelled elsewhere; stopping it here", metadata: ["run": .string(id.rawValue)])
                }
            } else {
                logger.warning("run lease lost; another process continues it", metadata: ["run": .string(id.rawValue)])
                lost.withLock { _ = $0.insert(id) }
            }
            active.withLock { $0[id] }?.cancel()
        }
    }

    /// Refreshes the queue figures behind the metrics and the webhook back-pressure.
    func refreshQueueStats(now: Date) async throws {
        let stats = try await store.read { tx -> RunQueueStats? in try await (tx as? any RunQueueStore)?.queueStats(now: now) }
        guard let stats else { return }
        queueFigures.withLock { $0 = (stats, 0) }
    }

    /// Runs waiting to be claimed across all processes and the oldest one's wait in seconds, as of the last tick.
    public var queueDepth: (depth: Int, ageSeconds: Double) {
        let stats = queueFigures.withLock { $0.stats }
        return (stats.depth, stats.oldest.map { max(0, clock.now().timeIntervalSince($0)) } ?? 0)
    }

    /// Whether the queue is deeper than `maxQueueDepth` (as of the last tick, plus the runs this process queued
    /// since): async webhooks are then refused (429) rather than queued.
    public var queueIsFull: Bool {
        queues && queueFigures.withLock { $0.stats.depth + $0.since } >= options.maxQueueDepth
    }

    /// Counts a run this process queued (until the next refresh reads the real depth).
    func countQueued() {
        queueFigures.withLock { $0.since += 1 }
        doorbell.ring()
    }

    /// Executes a job in its own task, so that cancelling the run (here or on another process) stops it mid-step.
    func performTracked(_ job: Job) async {
        let id = job.runID
        let task = Task { await self.perform(job) }
        active.withLock { $0[id] = task }
        await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        active.withLock { _ = $0.removeValue(forKey: id) }
    }
}

extension RunEngine.Job {
    var runID: ID<Run> {
        switch self {
        case .fresh(let run, _), .claimed(let run): run.id
        case .resume(let id): id
        }
    }
}
