import SpojkaCore
import Foundation

/// Finds the master key at start: `SPOJKA_MASTER_KEY`, else the key file in the data directory,
/// which is created (mode 0600) only for a database that has no key yet.
public struct MasterKeyFile: Sendable {
    /// Where the key file lives (`<data>/master.key`).
    public let path: String
    /// Where a rotation stages the next key before it commits.
    public var stagedPath: String { path + ".next" }

    /// Creates a locator for the key file at `path`.
    public init(path: String) { self.path = path }

    /// The outcome of resolving the key.
    public struct Resolved: Sendable {
        /// The key.
        public let key: MasterKey
        /// Whether the key file was just created (print the backup note).
        public let created: Bool
        /// Where it came from: `SPOJKA_MASTER_KEY` or the file path.
        public let source: String
    }

    /// Resolves the key for a database whose stored fingerprint is `expected` (nil for a new one).
    ///
    /// Never creates or changes anything unless the database has no key yet.
    public func resolve(environment: String?, expected: String?) throws -> Resolved {
        try finishStagedRotation(expected: expected)
        let resolved: Resolved
        if let environment, !environment.isEmpty {
            resolved = Resolved(key: try MasterKey(base64: environment), created: false, source: "SPOJKA_MASTER_KEY")
        } else if FileManager.default.fileExists(atPath: path) {
            resolved = Resolved(key: try read(path), created: false, source: path)
        } else if let expected {
            throw SecretsError(.missingMasterKey, """
                This database is sealed with master key \(expected), but no key was supplied. \
                Set SPOJKA_MASTER_KEY to the base64 key, or restore the key file at \(path).
                """)
        } else {
            let key = MasterKey.generate()
            try write(key, to: path)
            return Resolved(key: key, created: true, source: path)
        }
        if let expected, resolved.key.fingerprint != expected {
            throw SecretsError(.wrongMasterKey, """
                The master key from \(resolved.source) has fingerprint \(resolved.key.fingerprint), but this database \
                expects \(expected). Supply the right key with SPOJKA_MASTER_KEY or the key file at \(path); nothing was changed.
                """)
        }
        return resolved
    }

    /// Reads a key file (base64 of 32 bytes).
    public func read(_ file: String) throws -> MasterKey {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw SecretsError(.invalidKey, "cannot read the key file at \(file)")
        }
        return try MasterKey(base64: text)
    }

    /// Writes a key file with mode 0600 and syncs it to disk.
    public func write(_ key: MasterKey, to file: String) throws {
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw SecretsError(.invalidKey, "cannot create the key file at \(file)") }
        defer { close(fd) }
        let bytes = Array((key.base64().reveal() + "\n").utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(fd, $0.baseAddress, $0.count) }) == bytes.count, fsync(fd) == 0 else {
            throw SecretsError(.invalidKey, "cannot write the key file at \(file)")
        }
    }

    /// Completes or discards a rotation that stopped between its commit and the key-file swap.
    func finishStagedRotation(expected: String?) throws {
        guard FileManager.default.fileExists(atPath: stagedPath) else { return }
        if let expected, (try? read(stagedPath))?.fingerprint == expected {
            guard rename(stagedPath, path) == 0 else { throw SecretsError(.invalidKey, "cannot move \(stagedPath) to \(path)") }
        } else {
            try? FileManager.default.removeItem(atPath: stagedPath)
        }
    }
}
