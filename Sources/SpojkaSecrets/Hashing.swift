import SpojkaCore
import Crypto
import _CryptoExtras
import Foundation

/// SHA-256 of token text, hex: how API tokens and invitations are stored and looked up.
public enum TokenHash {
    /// The lowercase hex SHA-256 of `token`.
    public static func of(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Hashes passwords with scrypt; the stored form carries its own parameters.
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's N (CPU/memory cost); 15 by default (32 MiB, tens of milliseconds).
    public let logN: Int

    /// Creates a hasher with cost `2^logN`.
    public init(logN: Int = 15) { self.logN = logN }

    /// `scrypt$logN$r$p$salt$hash` (base64 parts).
    public func hash(_ password: Secret) throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let derived = try derive(password, salt: salt, logN: logN)
        return "scrypt$\(logN)$8$1$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches `stored` (constant-time comparison).
    public func verify(_ password: Secret, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), (10...20).contains(logN),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              let derived = try? derive(password, salt: Array(salt), logN: logN) else { return false }
        return derived.count == expected.count && zip(derived, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func derive(_ password: Secret, salt: [UInt8], logN: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: password.revealBytes(), salt: salt, outputByteCount: 32,
                                           rounds: 1 << logN, blockSize: 8, parallelism: 1)
        return key.withUnsafeBytes { Array($0) }
    }
}
