import SpojkaCore
import Crypto
import Foundation

/// The key-encryption key (KEK) that wraps every workspace data key.
public struct MasterKey: Sendable {
    let key: SymmetricKey

    /// Wraps 32 raw bytes; throws `invalid_key` for any other length.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw SecretsError(.invalidKey, "a master key must be exactly 32 bytes (base64 of 32 random bytes)") }
        self.key = SymmetricKey(data: bytes)
    }

    /// Parses base64 of 32 bytes (surrounding whitespace ignored).
    public init(base64: String) throws {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SecretsError(.invalidKey, "the master key is not valid base64")
        }
        try self.init(bytes: Array(data))
    }

    /// A new random key.
    public static func generate() -> MasterKey {
        // 32 bytes from the system's secure generator; cannot fail.
        MasterKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) { self.key = key }

    /// The key as base64, for writing the key file.
    public func base64() -> Secret {
        Secret(key.withUnsafeBytes { Data($0).base64EncodedString() })
    }

    /// A public identifier of the key: `kek_` + 16 hex digits of a domain-separated SHA-256.
    public var fingerprint: String {
        var hasher = SHA256()
        hasher.update(data: Array("spojka master key fingerprint v1".utf8))
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return "kek_" + hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
