import Crypto
import Foundation
import SpojkaCore

/// What a ciphertext is bound to: its workspace, owning record and field (the AAD).
public struct SealContext: Sendable, Hashable {
    /// The workspace whose data key seals it.
    public var workspace: ID<Workspace>
    /// The owning record, e.g. a connection ID.
    public var record: String
    /// The field name, e.g. `credentials.token`.
    public var field: String

    /// Creates a context.
    public init(workspace: ID<Workspace>, record: String, field: String) {
        self.workspace = workspace; self.record = record; self.field = field
    }

    func aad(keyID: String) -> [UInt8] {
        Array("spojka/v1\u{0}\(keyID)\u{0}\(workspace.rawValue)\u{0}\(record)\u{0}\(field)".utf8)
    }
}

/// AES-256-GCM envelope format: `0x01 | len(keyID) | keyID | nonce(12) | ciphertext | tag(16)`.
public enum Envelope {
    static let version: UInt8 = 1

    /// Seals `plaintext` with `key`, writing `keyID` into the header and binding `context`.
    public static func seal(_ plaintext: [UInt8], key: SymmetricKey, keyID: String, context: SealContext) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: context.aad(keyID: keyID))
        guard let combined = box.combined else { throw SecretsError(.decryptionFailed, "sealing failed") }
        let id = Array(keyID.utf8)
        return [version, UInt8(id.count)] + id + Array(combined)
    }

    /// The key ID written in a sealed value's header.
    public static func keyID(of sealed: [UInt8]) throws -> String {
        guard sealed.count > 2, sealed[0] == version else { throw SecretsError(.decryptionFailed, "unknown ciphertext format") }
        let length = Int(sealed[1])
        guard sealed.count >= 2 + length + 28 else { throw SecretsError(.decryptionFailed, "ciphertext is truncated") }
        return String(decoding: sealed[2..<(2 + length)], as: UTF8.self)
    }

    /// Opens a sealed value; fails when it was tampered with or is bound to another context.
    public static func open(_ sealed: [UInt8], key: SymmetricKey, context: SealContext) throws -> [UInt8] {
        let keyID = try keyID(of: sealed)
        let body = sealed[(2 + keyID.utf8.count)...]
        do {
            let box = try AES.GCM.SealedBox(combined: body)
            return Array(try AES.GCM.open(box, using: key, authenticating: context.aad(keyID: keyID)))
        } catch {
            throw SecretsError(.decryptionFailed, "the encrypted value failed authentication (tampered, or copied from another record)")
        }
    }
}

extension MasterKey {
    /// Wraps a data key, bound to its key ID and workspace.
    func wrap(_ dataKey: SymmetricKey, keyID: String, workspace: ID<Workspace>) throws -> [UInt8] {
        let raw = dataKey.withUnsafeBytes { Array($0) }
        return try Envelope.seal(raw, key: key, keyID: fingerprint, context: .init(workspace: workspace, record: keyID, field: "data_key"))
    }

    /// Unwraps a data key; fails with `wrong_master_key` when this key did not wrap it.
    func unwrap(_ wrapped: [UInt8], keyID: String, workspace: ID<Workspace>) throws -> SymmetricKey {
        do {
            return SymmetricKey(data: try Envelope.open(wrapped, key: key, context: .init(workspace: workspace, record: keyID, field: "data_key")))
        } catch {
            throw SecretsError(.wrongMasterKey, "a data key could not be unwrapped with master key \(fingerprint)")
        }
    }
}
