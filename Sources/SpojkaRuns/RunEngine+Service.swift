import Foundation
import Logging
import ServiceLifecycle
import SpojkaConnections
import SpojkaCore

extension RunEngine: Service {
    /// Executes runs (at most `maxConcurrentRuns` at once), claims queued ones while it has room (unless
    /// `claimsQueue` is off) and, every tick, renews leases (noticing runs cancelled or taken over), expires approvals
    /// and fires due schedules. Ends on graceful shutdown; runs still executing stay `running`, with their leases
    /// released so that another process resumes them at once.
    public func run() async throws {
        let slots = AsyncSemaphore(options.maxConcurrentRuns)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.maintain() }
                if options.claimsQueue && queues { group.addTask { await self.claimLoop() } }
                for await job in jobs {
                    await slots.acquire()
                    group.addTask {
                        await self.performTracked(job)
                        await slots.release()
                        self.done(job)
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.enqueue.finish()
        }
        let owner = self.owner
        try? await store.transaction { try await $0.renewLeases(owner: owner, until: Date(timeIntervalSince1970: 0)) }
    }

    /// The periodic duties; returns when cancelled.
    func maintain() async {
        while !Task.isCancelled {
            await tick()
            try? await Task.sleep(for: options.tick)
        }
    }

    /// One round of periodic duties (also called directly by tests). Each duty runs even when an earlier one failed:
    /// a failing lease renewal must not stop schedules from firing.
    public func tick() async {
        let now = clock.now()
        await duty("renew leases") { try await self.renew(now: now) }
        if queues { await duty("refresh queue figures") { try await self.refreshQueueStats(now: now) } }
        await duty("expire approvals") { try await self.expireApprovals(now) }
        await duty("fire schedules") { try await self.fireSchedules(now) }
    }

    private func duty(_ name: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            logger.error("engine maintenance failed", metadata: ["duty": .string(name), "error": .string("\(error)")])
        }
    }

    /// Fails approvals past their deadline: the step fails with `approval_timeout` and the run resumes to record it.
    func expireApprovals(_ now: Date) async throws {
        let expired = try await store.read { try await $0.expiredApprovals(now: now, limit: 100) }
        for step in expired {
            var failed = step
            failed.status = .failed
            failed.finishedAt = now
            failed.error = ["code": "approval_timeout", "message": .string("no decision on \(step.nodeID) before \(ISO8601DateFormatter().string(from: step.deadline ?? now))")]
            try await resolveApproval(failed)
        }
    }

    /// Records an approval step's outcome and resumes its run (the interpreter replays it: continue or fail).
    func resolveApproval(_ step: RunStep) async throws {
        try await wake(step.runID) { try await $0.upsertStep(step) }
    }

    /// An approver's decision on a waiting human step.
    public func decide(_ id: ID<Run>, node: String, approve: Bool, comment: String?, by user: ID<User>, role: Role,
                       in workspace: ID<Workspace>) async throws -> Run {
        let (run, steps) = try await store.read { tx -> (Run?, [RunStep]) in
            (try await tx.run(id, in: workspace), try await tx.steps(of: id))
        }
        guard let run else { throw SpojkaError.notFound("Run") }
        guard run.status == .waiting, var step = steps.first(where: { $0.nodeID == node && $0.status == .waiting }) else {
            throw SpojkaError(.runNotActive, "Run \(id) is not waiting for an approval at \(node)")
        }
        guard Self.mayDecide(step, user: user, role: role) else { throw SpojkaError(.forbidden, "You are not an approver of \(node)") }
        let now = clock.now()
        step.finishedAt = now
        if approve {
            step.status = .completed
            step.output = ["decision": "approve", "comment": comment.map { .string($0) } ?? .null, "by": .string(user.rawValue)]
        } else {
            step.status = .failed
            step.error = ["code": "approval_rejected", "message": .string("rejected by \(user.rawValue)" + (comment.map { ": \($0)" } ?? ""))]
        }
        try await resolveApproval(step)
        try await store.transaction { [ids] tx in
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: now, actor: user.rawValue,
                                                action: approve ? "run.approved" : "run.rejected", target: id.rawValue, details: ["node": .string(node)]))
        }
        return try await store.read { try await $0.run(id, in: workspace) } ?? run
    }
}
