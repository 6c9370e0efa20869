import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SpojkaCore
import SpojkaSecrets
import SpojkaTestSupport
import Testing

/// Two real `spojka serve` processes on one PostgreSQL database: a rotation on one is used by the next call on the
/// other (each process caches resolved connections; writers announce changes with NOTIFY, each process LISTENs).
@Suite("Connection cache across processes")
struct ConnectionCacheProcessTests {
    static let keyA = "sk_test_PROCaaaaaaaa1111", keyB = "sk_test_PROCbbbbbbbb2222", keyC = "sk_test_PROCcccccccc3333"

    func send(_ method: String, _ url: String, token: String? = nil, body: JSONValue? = nil) async throws -> (status: Int, json: JSONValue) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.jsonText.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONValue(parsing: Array(data))) ?? .null
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    /// Waits until the process serves and caches (its change listener listens); returns its base URL.
    func started(_ pipes: Pipe..., output: LogCapture = LogCapture()) async throws -> String {
        for pipe in pipes {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let chunk = handle.availableData
                if !chunk.isEmpty { output.record(String(decoding: chunk, as: UTF8.self)) }
            }
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let lines = output.all.joined().split(separator: "\n")
            if lines.contains(where: { $0.contains("listening for connection changes") }),
               let url = lines.first(where: { $0.contains("Spojka is listening on") })?.split(separator: " ").last {
                return String(url)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("the server did not start and listen: \(output.all.joined())")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: ServeCommandTests.binary) && TestDatabase.isAvailable(.postgres)))
    func aRotationOnOneProcessIsUsedByTheNextCallOnAnother() async throws {
        let database = try await TestDatabase.createPostgresDatabase()
        let environment = ["SPOJKA_DATABASE_URL": database, "SPOJKA_MASTER_KEY": MasterKey.generate().base64().reveal(),
                           "SPOJKA_ALLOW_PRIVATE_NETWORK": "true", "SPOJKA_HTTP_ATTEMPTS": "1"]
        let replica = KeyRecordingReplica(accepting: [Self.keyA, Self.keyB])
        let serve = ServeCommandTests()
        try await ReplicaServer.run(replica.router) { base in
            let (first, firstOut, firstErr) = try serve.launch(["serve", "--port", "0", "--data", try TestDatabase.temporaryDirectory()], environment: environment)
            defer { first.terminate(); first.waitUntilExit() }
            let a = try await started(firstOut, firstErr)
            let (second, secondOut, secondErr) = try serve.launch(["serve", "--port", "0", "--data", try TestDatabase.temporaryDirectory()], environment: environment)
            defer { second.terminate(); second.waitUntilExit() }
            let logB = LogCapture()
            let b = try await started(secondOut, secondErr, output: logB)

            let setup = try await send("POST", a + "/api/v1/setup", body: ["email": "owner@example.com", "name": "Owner", "workspace": "Acme",
                                                                          "password": "owner passphrase 1"])
            let token = try #require(setup.json["token"]?.stringValue), ws = try #require(setup.json["workspace"]?["id"]?.stringValue)
            let created = try await send("POST", a + "/api/v1/workspaces/\(ws)/connections", token: token,
                                         body: ["connector": "stripe", "name": "Stripe", "credentials": ["secretKey": .string(Self.keyA)],
                                                "serviceUrl": .string(base)])
            let id = try #require(created.json["id"]?.stringValue)
            let call: JSONValue = ["connector": "stripe", "tool": "get_balance", "connection": .string(id), "arguments": [:]]
            let calls = "/api/v1/workspaces/\(ws)/tool-calls", credentials = "/api/v1/workspaces/\(ws)/connections/\(id)/credentials"

            // B caches the connection with key A.
            #expect(try await send("POST", b + calls, token: token, body: call).status == 200 && replica.lastKey == Self.keyA)
            #expect(try await send("POST", b + calls, token: token, body: call).status == 200 && replica.lastKey == Self.keyA)
            // A rotates to key B (both still accepted): B's next call carries key B.
            #expect(try await send("PUT", a + credentials, token: token, body: ["credentials": ["secretKey": .string(Self.keyB)]]).status == 200)
            #expect(try await send("POST", b + calls, token: token, body: call).status == 200)
            #expect(replica.lastKey == Self.keyB, "\(logB.all.joined().split(separator: "\n").filter { $0.contains("connection") }.suffix(10))")
            // A rotates to key C and the service revokes B at once: B's next call succeeds with C and the connection stays active.
            replica.accepted.withLock { _ = $0.insert(Self.keyC) }
            #expect(try await send("PUT", a + credentials, token: token, body: ["credentials": ["secretKey": .string(Self.keyC)]]).status == 200)
            replica.accepted.withLock { $0 = [Self.keyC] }
            #expect(try await send("POST", b + calls, token: token, body: call).status == 200)
            #expect(replica.lastKey == Self.keyC)
            #expect(try await send("GET", b + "/api/v1/workspaces/\(ws)/connections/\(id)", token: token).json["status"] == "active")
            // A deletes it: B refuses the next call without calling the service.
            let before = replica.requests.count
            #expect(try await send("DELETE", a + "/api/v1/workspaces/\(ws)/connections/\(id)", token: token).status == 204)
            #expect(try await send("POST", b + calls, token: token, body: call).status == 404)
            #expect(replica.requests.count == before)
        }
    }
}
