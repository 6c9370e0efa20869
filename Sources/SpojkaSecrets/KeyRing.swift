import Crypto
import Foundation
import SpojkaCore

/// Seals and opens workspace secrets with per-workspace data keys wrapped by the master key.
///
/// Unwrapped data keys are cached in memory for the life of the process.
public actor KeyRing {
    private let master: MasterKey
    private let store: any Store
    private let ids: any IDGenerator
    private let clock: any WallClock
    private var cache: [String: SymmetricKey] = [:]
    private var keyIDByWorkspace: [ID<Workspace>: String] = [:]

    /// Creates a key ring over `store` using `master` to wrap data keys.
    public init(master: MasterKey, store: any Store, ids: any IDGenerator, clock: any WallClock) {
        self.master = master; self.store = store; self.ids = ids; self.clock = clock
    }

    /// Makes and stores a workspace's data key inside the caller's transaction.
    public nonisolated func createDataKey(for workspace: ID<Workspace>, in tx: any StoreTransaction) async throws {
        let keyID = "dek_" + Base32.encode(ids.randomBytes(10))
        let wrapped = try master.wrap(SymmetricKey(size: .bits256), keyID: keyID, workspace: workspace)
        try await tx.insertDataKey(WrappedDataKey(keyID: keyID, workspaceID: workspace, wrapped: wrapped, createdAt: clock.now()))
    }

    /// Encrypts `secret` for `context` with the workspace's data key.
    public func seal(_ secret: Secret, context: SealContext) async throws -> [UInt8] {
        let (keyID, key) = try await dataKey(for: context.workspace)
        return try Envelope.seal(secret.revealBytes(), key: key, keyID: keyID, context: context)
    }

    /// Decrypts a value sealed for `context`; fails when it was sealed for anything else.
    public func open(_ sealed: [UInt8], context: SealContext) async throws -> Secret {
        let keyID = try Envelope.keyID(of: sealed)
        guard let key = try await dataKey(id: keyID, workspace: context.workspace) else {
            throw SecretsError(.decryptionFailed, "the encrypted value belongs to another workspace")
        }
        return Secret(bytes: try Envelope.open(sealed, key: key, context: context))
    }

    private func dataKey(for workspace: ID<Workspace>) async throws -> (String, SymmetricKey) {
        if let keyID = keyIDByWorkspace[workspace], let key = cache[keyID] { return (keyID, key) }
        guard let record = try await store.read({ try await $0.dataKey(of: workspace) }) else {
            throw SecretsError(.missingDataKey, "workspace \(workspace) has no data key")
        }
        let key = try master.unwrap(record.wrapped, keyID: record.keyID, workspace: workspace)
        cache[record.keyID] = key
        keyIDByWorkspace[workspace] = record.keyID
        return (record.keyID, key)
    }

    private func dataKey(id keyID: String, workspace: ID<Workspace>) async throws -> SymmetricKey? {
        if let key = cache[keyID], keyIDByWorkspace[workspace] == keyID { return key }
        guard let record = try await store.read({ try await $0.dataKey(id: keyID) }), record.workspaceID == workspace else {
            return nil
        }
        let key = try master.unwrap(record.wrapped, keyID: record.keyID, workspace: workspace)
        cache[record.keyID] = key
        keyIDByWorkspace[workspace] = record.keyID
        return key
    }
}
