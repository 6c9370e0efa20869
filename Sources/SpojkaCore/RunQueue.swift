import Foundation

/// The shared run queue: a run that is `running` without a live lease (queued, or left by a stopped process) waits
/// here until a process with free capacity claims it. A claim is a lease, renewed while the run executes.
public protocol RunQueueStore: Sendable {
    /// Leases up to `limit` claimable runs to `owner` until `until`, oldest first, passing over runs another claimer is
    /// taking right now and workspaces that already execute `perWorkspace` runs under live leases.
    func claimQueued(owner: String, now: Date, until: Date, limit: Int, perWorkspace: Int) async throws -> [Run]
    /// Extends `owner`'s leases; returns those of `executing` that no longer run under `owner` (cancelled, or taken
    /// over after its lease expired) with their status now.
    func renewLeases(owner: String, until: Date, executing: [ID<Run>]) async throws -> [(id: ID<Run>, status: Run.Status)]
    /// How many runs wait to be claimed and since when the oldest waits.
    func queueStats(now: Date) async throws -> RunQueueStats
}

/// The depth and age of the run queue.
public struct RunQueueStats: Sendable, Equatable {
    /// Runs waiting to be claimed.
    public var depth: Int
    /// When the longest-waiting run was queued (`nil` when none waits).
    public var oldest: Date?

    /// Creates the figures.
    public init(depth: Int, oldest: Date?) { self.depth = depth; self.oldest = oldest }
}
