import Foundation
import Logging
import SpojkaConnectors
import SpojkaConnections
import SpojkaOutbound
import SpojkaSecrets
import SpojkaStore
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The connector imported from Resend's published OpenAPI document, against the Resend replica over loopback.
@Suite("Imported Resend connector")
struct ImportedResendTests {
    /// The document's `bearerAuth` scheme (`http`, `bearer`) is the connector's only credential: `token`.
    let key: [String: Secret] = ["token": Secret("re_123456789_ReplicaKey")]

    @Test func sendsAnEmailWithTheKeyWhereTheSecuritySchemeSays() async throws {
        let (resend, _) = try OpenAPIImportTests.imported("resend/resend.yaml", key: "resend-imported")
        #expect(resend.serviceUrl == "https://api.resend.com")
        #expect(resend.auth.fields?["required"] == ["token"])
        let log = RequestLog()
        try await ReplicaServer.run(ResendReplica.router(log: log)) { base in
            let arguments: JSONValue = ["from": "Acme <onboarding@acme.example>", "to": ["delivered@resend.dev"],
                                        "subject": "Hello World", "html": "<p>Hi</p>", "Idempotency-Key": "welcome-42"]
            let sent = try await Harness.call(resend, "emails_send", arguments, credentials: key, serviceURL: base)
            let id = try #require(sent["id"]?.stringValue)
            let post = try #require(log.all.last)
            #expect(post.method == "POST" && post.uri == "/emails" && post.headers["content-type"] == "application/json")
            #expect(post.headers["authorization"] == "Bearer re_123456789_ReplicaKey")
            #expect(post.headers["idempotency-key"] == "welcome-42")
            #expect(post.body == #"{"from":"Acme <onboarding@acme.example>","html":"<p>Hi</p>","subject":"Hello World","to":["delivered@resend.dev"]}"#)

            let email = try await Harness.call(resend, "emails_get", ["email_id": .string(id)], credentials: key, serviceURL: base)
            #expect(email["id"] == .string(id) && email["subject"] == "Hello World" && log.all.last?.uri == "/emails/\(id)")

            let domains = try await Harness.call(resend, "domains_list", credentials: key, serviceURL: base)
            #expect(domains["data"]?[0]?["name"] == "acme.example")

            let rejected = await Harness.failure(resend, "domains_list", credentials: ["token": Secret("re_revoked")], serviceURL: base)
            #expect(rejected?.code == .authRejected)
            let count = log.all.count
            let missing = await Harness.failure(resend, "emails_send", ["subject": "no recipient"], credentials: key, serviceURL: base)
            #expect(missing?.code == .invalidArguments && log.all.count == count)
        }
    }
}

/// The imported connector in a catalog beside the built-ins, used through a stored connection.
@Suite("Imported Resend connector through a connection")
struct ImportedResendConnectionTests {
    @Test func aConnectionOnTheImportedConnectorSendsAnEmail() async throws {
        let (resend, _) = try OpenAPIImportTests.imported("resend/resend.yaml", key: "resend-imported")
        let dir = try TestDatabase.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let driver = try await SQLiteDriver.open(path: dir + "/import.sqlite", logger: Logger(label: "test"))
        try await Migrator(driver: driver).migrate()
        let store = SQLStore(driver: driver)
        let ids = SystemIDGenerator(), clock = SystemWallClock()
        let ring = KeyRing(master: MasterKey.generate(), store: store, ids: ids, clock: clock)
        let user = User(id: ids.make(), email: "ops@example.com", name: "Ops", createdAt: clock.now())
        let workspace = Workspace(id: ids.make(), name: "Acme", createdAt: clock.now())
        try await store.transaction { tx in
            try await tx.insertUser(user, passwordHash: nil)
            try await tx.insertWorkspace(workspace)
            try await ring.createDataKey(for: workspace.id, in: tx)
        }
        let builtins = try Harness.catalog.get()
        let catalog = Catalog(connectors: Array(builtins.connectors.values) + [resend])
        let log = RequestLog()
        try await ReplicaServer.run(ResendReplica.router(log: log)) { base in
            let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
            let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations)
            let service = ConnectionService(store: store, keyRing: ring, catalog: catalog, runtime: runtime, ids: ids, clock: clock)
            do {
                let connection = try await service.create(
                    NewConnection(connector: "resend-imported", name: "Resend - Imported", credentials: ["token": Secret("re_123456789_ReplicaKey")],
                                  serviceURL: base), in: workspace.id, by: user.id)
                let sent = try await service.callTool("emails_send", arguments: ["from": "Acme <onboarding@acme.example>", "to": "delivered@resend.dev",
                                                                                 "subject": "Through a connection", "text": "Hi"],
                                                      connection: connection.id, in: workspace.id, connector: "resend-imported", by: user.id.rawValue)
                #expect(sent["id"]?.stringValue?.count == 36)
                let post = try #require(log.all.last)
                #expect(post.method == "POST" && post.uri == "/emails" && post.headers["authorization"] == "Bearer re_123456789_ReplicaKey")
                let stored = try await store.read { try await $0.sealedCredentials(of: connection.id) }
                #expect(stored["token"].map { !String(decoding: $0, as: UTF8.self).contains("re_123456789") } == true, "the key is stored sealed")
            } catch {
                try? await transport.shutdown()
                throw error
            }
            try await transport.shutdown()
        }
        await driver.shutdown()
    }
}
