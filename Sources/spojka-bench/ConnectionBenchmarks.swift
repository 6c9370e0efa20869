import Foundation
import Hummingbird
import Logging
import NIOCore
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaSecrets
import SpojkaServer
import SpojkaStore
import SpojkaTestSupport

extension Bench {
    /// Connection resolve + decrypt (cold and warm key ring), listing among 10,000 connections, and a tool call through one.
    static func connections() async throws -> [(String, String)] {
        let dir = try TestDatabase.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let driver = try await SQLiteDriver.open(path: dir + "/bench.sqlite", logger: Logger(label: "bench"))
        try await Migrator(driver: driver).migrate()
        let store = SQLStore(driver: driver)
        let ids = SystemIDGenerator(), clock = SystemWallClock(), master = MasterKey.generate()
        let ring = KeyRing(master: master, store: store, ids: ids, clock: clock)
        let user = User(id: ids.make(), email: "bench@example.com", name: "Bench", createdAt: clock.now())
        let ws = Workspace(id: ids.make(), name: "Bench", createdAt: clock.now())
        try await store.transaction { tx in
            try await tx.insertUser(user, passwordHash: nil)
            try await tx.insertWorkspace(ws)
            try await ring.createDataKey(for: ws.id, in: tx)
        }
        let router = Router()
        router.get("/v1/balance") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"object":"balance","available":[],"pending":[],"livemode":false}"#)))
        }
        let rows = try await ReplicaServer.run(router) { base in
            let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
            let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations)
            let service = ConnectionService(store: store, keyRing: ring, catalog: try loadCatalog(), runtime: runtime, ids: ids, clock: clock)
            let conn = try await service.create(NewConnection(connector: "stripe", name: "Stripe - Bench", credentials: ["secretKey": Secret("sk_test_benchKey123")],
                                                              serviceURL: base), in: ws.id, by: user.id)
            let call = try await measureAsync(count: 1000) {
                _ = try await service.callTool("get_balance", arguments: [:], connection: conn.id, in: ws.id, connector: "stripe", by: user.id.rawValue)
            }
            await service.flushBookkeeping()
            try await transport.shutdown()
            let context = SealContext(workspace: ws.id, record: conn.id.rawValue, field: "secretKey")
            let sealed = try await store.read { try await $0.sealedCredentials(of: conn.id) }["secretKey"] ?? []
            let cached = try await measureAsync(count: 20_000) {
                _ = try await service.resolve(conn.id, in: ws.id)
            }
            let warm = try await measureAsync(count: 2000) {
                _ = try await service.resolve(conn.id, in: ws.id, fresh: true)
            }
            let cold = try await measureAsync(count: 500, warmup: 10) {
                let fresh = KeyRing(master: master, store: store, ids: ids, clock: clock)
                _ = try await store.read { try await $0.connection(conn.id, in: ws.id) }
                _ = try await fresh.open(sealed, context: context)
            }
            return [("tool call through a connection (resolve, decrypt, call, status update) p50 / p99", "\(micros(call.p50)) / \(micros(call.p99))"),
                    ("connection resolve + decrypt, cached p50 / p99", "\(micros(cached.p50)) / \(micros(cached.p99))"),
                    ("connection resolve + decrypt, not cached (store read: record, grant, credentials), warm key ring p50 / p99",
                     "\(micros(warm.p50)) / \(micros(warm.p99))"),
                    ("connection resolve + decrypt, cold (data key unwrapped from the store) p50 / p99", "\(micros(cold.p50)) / \(micros(cold.p99))")]
        }
        try await store.transaction { tx in
            for i in 0..<10_000 {
                let c = Connection(id: ids.make(), workspaceID: ws.id, connector: i % 2 == 0 ? "stripe" : "shopify", connectorVersion: "1.0.0",
                                   name: String(format: "Connection %05d", i), serviceURL: nil, settings: [:], environment: .production,
                                   status: .active, statusReason: nil, checkedAt: nil, ownerID: user.id, account: nil, credentialFields: [],
                                   createdAt: clock.now(), updatedAt: clock.now(), handle: "connection-\(i)")
                try await tx.insertConnection(c, credentials: [:])
            }
        }
        let page = try await measureAsync(count: 300, warmup: 10) {
            _ = try await store.read { try await $0.connections(in: ws.id, ConnectionQuery(limit: 50)) }
        }
        let all = try await measureAsync(count: 20, warmup: 2) {
            var after: (name: String, id: String)?
            var total = 0
            repeat {
                let batch = try await store.read { [after] in try await $0.connections(in: ws.id, ConnectionQuery(after: after, limit: 200)) }
                total += batch.count
                after = batch.last.map { ($0.name, $0.id.rawValue) }
                if batch.count < 200 { after = nil }
            } while after != nil
            precondition(total >= 10_000)
        }
        await driver.shutdown()
        return rows + [("list connections, first page of 50 among 10,000 (SQLite) p50 / p99", "\(millis(page.p50)) / \(millis(page.p99))"),
                       ("list all 10,000 connections in pages of 200 p50 / p99", "\(millis(all.p50)) / \(millis(all.p99))")]
    }
}
