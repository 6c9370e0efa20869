import Foundation
import SpojkaCore

/// Re-wraps every workspace data key under a new master key in one transaction.
///
/// The transaction also records the new fingerprint, so the database is always consistent
/// with exactly one master key: a crash before commit leaves everything under the old key.
public struct KeyRotator: Sendable {
    /// The settings key under which the master key fingerprint is stored.
    public static let fingerprintSetting = "master_key_fingerprint"

    let store: any Store
    let ids: any IDGenerator
    let clock: any WallClock
    /// Called after each re-wrapped key (tests inject a failure here).
    let afterEachKey: @Sendable (Int) throws -> Void

    /// Creates a rotator.
    public init(store: any Store, ids: any IDGenerator, clock: any WallClock,
                afterEachKey: @escaping @Sendable (Int) throws -> Void = { _ in }) {
        self.store = store; self.ids = ids; self.clock = clock; self.afterEachKey = afterEachKey
    }

    /// Re-wraps every data key from `old` to `new`; returns how many keys were re-wrapped.
    public func rotate(from old: MasterKey, to new: MasterKey) async throws -> Int {
        let (ids, clock, afterEachKey) = (self.ids, self.clock, self.afterEachKey)
        return try await store.transaction { tx in
            let stored = try await tx.setting(Self.fingerprintSetting)
            guard stored == old.fingerprint else {
                throw SecretsError(.wrongMasterKey, "the current master key is \(old.fingerprint) but the database expects \(stored ?? "none")")
            }
            let keys = try await tx.allDataKeys()
            for (index, record) in keys.enumerated() {
                let plain = try old.unwrap(record.wrapped, keyID: record.keyID, workspace: record.workspaceID)
                var updated = record
                updated.wrapped = try new.wrap(plain, keyID: record.keyID, workspace: record.workspaceID)
                try await tx.updateDataKey(updated)
                try afterEachKey(index + 1)
            }
            try await tx.setSetting(Self.fingerprintSetting, new.fingerprint)
            for workspace in Set(keys.map(\.workspaceID)).sorted() {
                try await tx.appendAudit(AuditEvent(
                    id: ids.make(), workspaceID: workspace, at: clock.now(), actor: "system", action: "keys.rotated",
                    target: nil, details: ["from": .string(old.fingerprint), "to": .string(new.fingerprint)]))
            }
            return keys.count
        }
    }
}
