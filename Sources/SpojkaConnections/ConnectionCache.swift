import Foundation
import SpojkaCore
import Synchronization

/// Resolved connections of this process (record, OAuth grant, opened credentials), so a call through a connection
/// needs no store read and no decryption while nothing about the connection changed.
///
/// Every write path of `ConnectionService` invalidates the entry after it commits; on PostgreSQL the store also
/// notifies the other processes, whose listener calls `invalidate`, and `suspend`s the cache while it is not listening.
/// An entry also expires after `ttl`, a safety net for a write that bypassed both. A read that started before an
/// invalidation never fills the cache (a generation check), so a slow read cannot put back what a write replaced.
/// The opened credentials stay `Secret` and are never logged; the cache holds at most `capacity` connections.
public final class ConnectionCache: Sendable {
    /// One resolved connection.
    struct Entry: Sendable {
        let connection: Connection
        let grant: OAuthGrant?
        let credentials: [String: Secret]
        let storedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [ID<Connection>: Entry] = [:]
        var generation: UInt64 = 0
        var enabled: Bool
    }

    private let state: Mutex<State>
    /// The most connections kept.
    public let capacity: Int
    /// How long an entry is used without a store read.
    public let ttl: Duration

    /// A cache of at most `capacity` connections, each used for at most `ttl`; `enabled` false until `resume()`
    /// (a PostgreSQL process resumes once its listener listens).
    public init(capacity: Int = 1024, ttl: Duration = .seconds(60), enabled: Bool = true) {
        self.capacity = max(1, capacity); self.ttl = ttl
        self.state = Mutex(State(enabled: enabled))
    }

    /// The live entry of `id`, if any.
    func entry(_ id: ID<Connection>) -> Entry? {
        let now = ContinuousClock.now
        return state.withLock { s -> Entry? in
            guard let entry = s.entries[id] else { return nil }
            if entry.storedAt.duration(to: now) > ttl { s.entries[id] = nil; return nil }
            return entry
        }
    }

    /// Taken before a store read whose result may fill the cache; `nil` while the cache is suspended.
    func ticket() -> UInt64? {
        state.withLock { $0.enabled ? $0.generation : nil }
    }

    /// Keeps `entry` unless anything was invalidated since `ticket` was taken; evicts the oldest entry when full.
    func store(_ entry: Entry, ticket: UInt64?) {
        guard let ticket else { return }
        state.withLock { s in
            guard s.enabled, s.generation == ticket else { return }
            if s.entries[entry.connection.id] == nil, s.entries.count >= capacity,
               let oldest = s.entries.min(by: { $0.value.storedAt < $1.value.storedAt })?.key {
                s.entries[oldest] = nil
            }
            s.entries[entry.connection.id] = entry
        }
    }

    /// Forgets `id`: its next call reads the store. Called after every write to the connection, its credentials or grant.
    public func invalidate(_ id: ID<Connection>) {
        state.withLock { s in s.generation &+= 1; s.entries[id] = nil }
    }

    /// Forgets every connection.
    public func invalidateAll() {
        state.withLock { s in s.generation &+= 1; s.entries.removeAll() }
    }

    /// Stops using and filling the cache (e.g. the change notifications stopped) and forgets every connection.
    public func suspend() {
        state.withLock { s in s.generation &+= 1; s.entries.removeAll(); s.enabled = false }
    }

    /// Forgets every connection (changes may have been missed) and uses the cache again.
    public func resume() {
        state.withLock { s in s.generation &+= 1; s.entries.removeAll(); s.enabled = true }
    }

    /// How many connections are cached (for tests and metrics).
    public var count: Int { state.withLock { $0.entries.count } }
}
