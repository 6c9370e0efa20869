import Foundation
import Logging
import SpojkaCore
import SpojkaSecrets
import SpojkaStore

/// `spojka keys rotate`: re-wraps every data key under a new master key, crash-safely.
///
/// Order: stage the new key file, commit the re-wrap and new fingerprint in one transaction,
/// then swap the key file. A crash before the commit leaves the old key in force; a crash
/// after it is completed at the next start, which finds the staged file matching the database.
public enum MasterKeyRotation {
    /// What a rotation did.
    public struct Outcome: Sendable {
        /// Data keys re-wrapped.
        public let rewrapped: Int
        /// Fingerprints before and after.
        public let from: String, to: String
        /// Whether the data-directory key file now holds the new key (otherwise update SPOJKA_MASTER_KEY).
        public let keyFileUpdated: Bool
    }

    /// Rotates to the key in `newKeyFile`; `afterEachKey` lets tests inject a failure midway.
    public static func run(config: ServerConfig, newKeyFile: String, logger: Logger, dependencies: Dependencies = Dependencies(),
                           afterEachKey: @escaping @Sendable (Int) throws -> Void = { _ in }) async throws -> Outcome {
        let keyFile = MasterKeyFile(path: config.keyFilePath)
        let new = try keyFile.read(newKeyFile)
        return try await Bootstrap.withDriver(config, logger: logger) { driver in
            let prepared = try await Bootstrap.prepare(config, driver: driver)
            let old = prepared.masterKey
            guard old.fingerprint != new.fingerprint else {
                throw SecretsError(.invalidKey, "the new key is the key already in use (\(old.fingerprint))")
            }
            let usesKeyFile = config.masterKey == nil
            if usesKeyFile { try keyFile.write(new, to: keyFile.stagedPath) }
            let rotator = KeyRotator(store: SQLStore(driver: driver), ids: dependencies.ids, clock: dependencies.clock,
                                     afterEachKey: afterEachKey)
            let count: Int
            do {
                count = try await rotator.rotate(from: old, to: new)
            } catch {
                if usesKeyFile { try? FileManager.default.removeItem(atPath: keyFile.stagedPath) }
                throw error
            }
            if usesKeyFile { try keyFile.resolveAfterRotation() }
            return Outcome(rewrapped: count, from: old.fingerprint, to: new.fingerprint, keyFileUpdated: usesKeyFile)
        }
    }
}

extension MasterKeyFile {
    /// Moves the staged key over the key file (after the rotation committed).
    func resolveAfterRotation() throws {
        guard rename(stagedPath, path) == 0 else {
            throw SecretsError(.invalidKey, "rotation committed but \(stagedPath) could not replace \(path); the next start completes it")
        }
    }
}
