import Crypto
import Foundation
import SpojkaCore
@testable import SpojkaSecrets
import Testing

@Suite("Secrets")
struct SecretsTests {
    let ws = ID<Workspace>(rawValue: "ws_a")
    let canary = "sk_live_CANARY_7f3a9b"

    @Test func secretNeverShowsItsValue() throws {
        let secret = Secret(canary)
        #expect(secret.description == "<redacted>")
        #expect(secret.debugDescription == "<redacted>")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(canary))
        struct Holder: Encodable { let token: Secret }
        let json = String(decoding: try JSONEncoder().encode(Holder(token: secret)), as: UTF8.self)
        #expect(json == #"{"token":"<redacted>"}"#)
        #expect(secret.reveal() == canary)
    }

    @Test func envelopeRoundTripsAndRecordsTheKeyID() throws {
        let key = SymmetricKey(size: .bits256)
        let context = SealContext(workspace: ws, record: "conn_1", field: "token")
        let sealed = try Envelope.seal(Array(canary.utf8), key: key, keyID: "dek_x", context: context)
        #expect(try Envelope.keyID(of: sealed) == "dek_x")
        #expect(!String(decoding: sealed, as: UTF8.self).contains(canary))
        #expect(try Envelope.open(sealed, key: key, context: context) == Array(canary.utf8))
    }

    @Test func tamperingIsDetected() throws {
        let key = SymmetricKey(size: .bits256)
        let context = SealContext(workspace: ws, record: "conn_1", field: "token")
        let sealed = try Envelope.seal(Array(canary.utf8), key: key, keyID: "dek_x", context: context)
        for index in [sealed.count - 1, sealed.count - 20, 2 + 5 + 3] {
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(throws: SecretsError.self) { try Envelope.open(tampered, key: key, context: context) }
        }
    }

    @Test func ciphertextCopiedToAnotherRecordOrFieldDoesNotOpen() throws {
        let key = SymmetricKey(size: .bits256)
        let a = SealContext(workspace: ws, record: "conn_1", field: "token")
        let sealed = try Envelope.seal(Array(canary.utf8), key: key, keyID: "dek_x", context: a)
        for other in [SealContext(workspace: ws, record: "conn_2", field: "token"),
                      SealContext(workspace: ws, record: "conn_1", field: "password"),
                      SealContext(workspace: ID(rawValue: "ws_b"), record: "conn_1", field: "token")] {
            #expect(throws: SecretsError.self) { try Envelope.open(sealed, key: key, context: other) }
        }
    }

    @Test func masterKeyParsingAndFingerprint() throws {
        let key = MasterKey.generate()
        let again = try MasterKey(base64: key.base64().reveal())
        #expect(again.fingerprint == key.fingerprint)
        #expect(key.fingerprint.hasPrefix("kek_") && key.fingerprint.count == 20)
        #expect(MasterKey.generate().fingerprint != key.fingerprint)
        #expect(throws: SecretsError.self) { try MasterKey(base64: "c2hvcnQ=") }
        #expect(throws: SecretsError.self) { try MasterKey(base64: "not base64!") }
    }

    @Test func dataKeysUnwrapOnlyWithTheirMasterKey() throws {
        let master = MasterKey.generate()
        let dek = SymmetricKey(size: .bits256)
        let wrapped = try master.wrap(dek, keyID: "dek_1", workspace: ws)
        let unwrapped = try master.unwrap(wrapped, keyID: "dek_1", workspace: ws)
        #expect(unwrapped == dek)
        #expect(throws: SecretsError.self) { try MasterKey.generate().unwrap(wrapped, keyID: "dek_1", workspace: ws) }
        #expect(throws: SecretsError.self) { try master.unwrap(wrapped, keyID: "dek_2", workspace: ws) }
    }

    @Test func keyFileIsCreatedOnlyForANewDatabaseWithMode0600() throws {
        let dir = NSTemporaryDirectory() + "spojka-keyfile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = MasterKeyFile(path: dir + "/master.key")
        // A database that already has a key, and no key supplied: refuse, create nothing.
        #expect(throws: SecretsError.self) { try file.resolve(environment: nil, expected: "kek_0000000000000000") }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let created = try file.resolve(environment: nil, expected: nil)
        #expect(created.created)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try file.resolve(environment: nil, expected: created.key.fingerprint)
        #expect(!again.created && again.key.fingerprint == created.key.fingerprint)
        // A wrong key names the expected fingerprint.
        let wrong = MasterKey.generate().base64().reveal()
        do {
            _ = try file.resolve(environment: wrong, expected: created.key.fingerprint)
            Issue.record("a wrong key was accepted")
        } catch let error as SecretsError {
            #expect(error.code == .wrongMasterKey)
            #expect(error.message.contains(created.key.fingerprint))
            #expect(!error.message.contains(wrong))
        }
    }

    @Test func passwordsVerifyAndTokenHashesAreStable() throws {
        let hasher = PasswordHasher(logN: 10)
        let stored = try hasher.hash(Secret("correct horse battery"))
        #expect(!stored.contains("correct horse"))
        #expect(hasher.verify(Secret("correct horse battery"), against: stored))
        #expect(!hasher.verify(Secret("correct horse batterY"), against: stored))
        #expect(!hasher.verify(Secret("x"), against: "garbage"))
        #expect(try hasher.hash(Secret("same")) != (try hasher.hash(Secret("same"))))
        #expect(TokenHash.of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
