import Foundation
import Logging
import SpojkaCore
import SpojkaSecrets
@testable import SpojkaServer
import SpojkaStore
import SpojkaTestSupport
import Testing

@Suite("Start-up and key rotation")
struct BootstrapTests {
    let logger = Logger(label: "test")

    func freshConfig() throws -> ServerConfig {
        var config = ServerConfig()
        config.dataDirectory = try TestDatabase.temporaryDirectory()
        return config
    }

    /// Makes a database with `count` workspaces and a sealed secret in each; returns the sealed values.
    func seed(_ config: ServerConfig, count: Int) async throws -> [(ID<Workspace>, [UInt8])] {
        try await Bootstrap.withDriver(config, logger: logger) { driver in
            let prepared = try await Bootstrap.prepare(config, driver: driver)
            let store = SQLStore(driver: driver)
            let ids = SystemIDGenerator()
            let ring = KeyRing(master: prepared.masterKey, store: store, ids: ids, clock: SystemWallClock())
            var sealed: [(ID<Workspace>, [UInt8])] = []
            for i in 0..<count {
                let ws = Workspace(id: ids.make(), name: "W\(i)", createdAt: Date())
                try await store.transaction { tx in
                    try await tx.insertWorkspace(ws)
                    try await ring.createDataKey(for: ws.id, in: tx)
                }
                sealed.append((ws.id, try await ring.seal(Secret("secret-\(i)"), context: .init(workspace: ws.id, record: "r", field: "f"))))
            }
            return sealed
        }
    }

    func open(_ config: ServerConfig, _ sealed: [(ID<Workspace>, [UInt8])]) async throws -> [String] {
        try await Bootstrap.withDriver(config, logger: logger) { driver in
            let prepared = try await Bootstrap.prepare(config, driver: driver)
            let ring = KeyRing(master: prepared.masterKey, store: SQLStore(driver: driver), ids: SystemIDGenerator(), clock: SystemWallClock())
            var out: [String] = []
            for (ws, value) in sealed { out.append(try await ring.open(value, context: .init(workspace: ws, record: "r", field: "f")).reveal()) }
            return out
        }
    }

    func fileBytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func firstStartCreatesTheKeyFileAndLaterStartsReuseIt() async throws {
        let config = try freshConfig()
        let sealed = try await seed(config, count: 2)
        #expect(FileManager.default.fileExists(atPath: config.keyFilePath))
        #expect(try await open(config, sealed) == ["secret-0", "secret-1"])
    }

    @Test func aWrongOrMissingKeyRefusesToStartAndChangesNothing() async throws {
        var config = try freshConfig()
        let sealed = try await seed(config, count: 1)
        let keyBefore = fileBytes(config.keyFilePath)
        let dbBefore = fileBytes(config.sqlitePath)
        config.masterKey = MasterKey.generate().base64().reveal()
        await #expect(throws: SecretsError.self) { _ = try await buildApplication(config: config, logger: logger) }
        config.masterKey = nil
        try FileManager.default.moveItem(atPath: config.keyFilePath, toPath: config.keyFilePath + ".bak")
        do {
            _ = try await buildApplication(config: config, logger: logger)
            Issue.record("started without its key")
        } catch let error as SecretsError {
            #expect(error.code == .missingMasterKey)
            #expect(error.message.contains("kek_"))
            #expect(error.message.contains("SPOJKA_MASTER_KEY"))
        }
        #expect(!FileManager.default.fileExists(atPath: config.keyFilePath))
        try FileManager.default.moveItem(atPath: config.keyFilePath + ".bak", toPath: config.keyFilePath)
        #expect(fileBytes(config.keyFilePath) == keyBefore)
        #expect(fileBytes(config.sqlitePath) == dbBefore)
        #expect(try await open(config, sealed) == ["secret-0"])
    }

    @Test func rotationReWrapsEveryDataKey() async throws {
        let config = try freshConfig()
        let sealed = try await seed(config, count: 3)
        let newKey = MasterKey.generate()
        let newFile = config.dataDirectory + "/new.key"
        try MasterKeyFile(path: config.keyFilePath).write(newKey, to: newFile)
        let outcome = try await MasterKeyRotation.run(config: config, newKeyFile: newFile, logger: logger)
        #expect(outcome.rewrapped == 3 && outcome.to == newKey.fingerprint && outcome.keyFileUpdated)
        #expect(try MasterKeyFile(path: config.keyFilePath).read(config.keyFilePath).fingerprint == newKey.fingerprint)
        #expect(try await open(config, sealed) == ["secret-0", "secret-1", "secret-2"])
    }

    @Test func aCrashMidwayThroughRotationLosesNothing() async throws {
        let config = try freshConfig()
        let sealed = try await seed(config, count: 4)
        let oldKey = fileBytes(config.keyFilePath)
        let newFile = config.dataDirectory + "/new.key"
        try MasterKeyFile(path: config.keyFilePath).write(MasterKey.generate(), to: newFile)
        await #expect(throws: InjectedCrash.self) {
            _ = try await MasterKeyRotation.run(config: config, newKeyFile: newFile, logger: logger) { done in
                if done == 2 { throw InjectedCrash() }
            }
        }
        #expect(fileBytes(config.keyFilePath) == oldKey)
        #expect(try await open(config, sealed) == ["secret-0", "secret-1", "secret-2", "secret-3"])
    }

    @Test func aCrashAfterCommitIsCompletedAtTheNextStart() async throws {
        let config = try freshConfig()
        let sealed = try await seed(config, count: 2)
        let newKey = MasterKey.generate()
        let file = MasterKeyFile(path: config.keyFilePath)
        // Simulate: staged file written, transaction committed, process died before the swap.
        try file.write(newKey, to: file.stagedPath)
        try await Bootstrap.withDriver(config, logger: logger) { driver in
            let old = try file.read(config.keyFilePath)
            _ = try await KeyRotator(store: SQLStore(driver: driver), ids: SystemIDGenerator(), clock: SystemWallClock())
                .rotate(from: old, to: newKey)
        }
        #expect(try await open(config, sealed) == ["secret-0", "secret-1"])
        #expect(try file.read(config.keyFilePath).fingerprint == newKey.fingerprint)
        #expect(!FileManager.default.fileExists(atPath: file.stagedPath))
    }

    @Test func configurationFromTheEnvironment() throws {
        let config = try ServerConfig.fromEnvironment(["SPOJKA_PORT": "9000", "SPOJKA_HOST": "0.0.0.0", "SPOJKA_DATA": "/tmp/x",
                                                       "SPOJKA_BODY_LIMIT": "2048"])
        #expect(config.port == 9000 && config.host == "0.0.0.0" && config.dataDirectory == "/tmp/x" && config.bodyLimit == 2048)
        #expect(config.sqlitePath == "/tmp/x/spojka.sqlite")
        #expect(throws: ConfigError.self) { try ServerConfig.fromEnvironment(["SPOJKA_PORT": "eighty"]) }
        #expect(throws: ConfigError.self) { try ServerConfig.fromEnvironment(["SPOJKA_LOG_LEVEL": "loud"]) }
        let connect = try ServerConfig.fromEnvironment(["SPOJKA_HTTP_CONNECT_TIMEOUT": "1.5"])
        #expect(ServerConfig().httpConnectTimeout == 5 && connect.httpConnectTimeout == 1.5)
        #expect(throws: ConfigError.self) { try ServerConfig.fromEnvironment(["SPOJKA_HTTP_CONNECT_TIMEOUT": "never"]) }
    }
}

struct InjectedCrash: Error {}
