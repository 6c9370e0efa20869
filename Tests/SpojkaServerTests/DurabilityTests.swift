import Foundation
import Hummingbird
import SpojkaCore
import SpojkaTestSupport
import Synchronization
import Testing

/// A run survives `kill -9` of its server: the restarted server resumes it from the last committed step.
@Suite("Durability")
struct DurabilityTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: ServeCommandTests.binary)))
    func aRunResumesAfterSIGKILLWithoutRepeatingCommittedSteps() async throws {
        let seen = Mutex<[Int]>([])
        let router = Router()
        router.post("/work") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let index = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)))?["i"]?.doubleValue.map { Int($0) } ?? -1
            seen.withLock { $0.append(index) }
            try await Task.sleep(for: .milliseconds(150))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"done":\#(index)}"#)))
        }
        let data = try TestDatabase.temporaryDirectory()
        let env = ["SPOJKA_RUN_LEASE_SECONDS": "1", "SPOJKA_ENGINE_TICK_SECONDS": "0.1", "SPOJKA_ALLOW_PRIVATE_NETWORK": "true", "SPOJKA_HTTP_ATTEMPTS": "1"]
        let serve = ServeCommandTests()
        try await ReplicaServer.run(router) { replica in
            let (first, out, _) = try serve.launch(["serve", "--port", "0", "--data", data], environment: env)
            let url = try #require(try await serve.waitForLine(out, containing: "listening on").split(separator: " ").last.map(String.init))
            var client = LiveAPI(base: url)
            let token = try await client.request("POST", "/api/v1/setup", body: ["email": "o@example.com", "name": "O", "workspace": "W",
                                                                                "password": "a long passphrase"]).json["token"]?.stringValue
            let ws = try #require(try await client.request("GET", "/api/v1/workspaces", token: token).json["items"]?[0]?["id"]?.stringValue)
            let saved = try await client.request("POST", "/api/v1/workspaces/\(ws)/workflows", token: token, body: Flow20.definition(replica + "/work")).json
            let workflow = try #require(saved["id"]?.stringValue, "\(saved)")
            let started = try await client.request("POST", "/api/v1/workspaces/\(ws)/workflows/\(workflow)/runs", token: token, body: ["input": [:]]).json
            let run = try #require(started["runId"]?.stringValue, "\(started)")
            let deadline = Date().addingTimeInterval(30)
            while seen.withLock({ $0.count }) < 6, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            let before = seen.withLock { $0 }
            #expect(before.count >= 6 && before.count < 20, "killed mid-run after \(before.count) calls")

            let (second, out2, _) = try serve.launch(["serve", "--port", "0", "--data", data], environment: env)
            defer { second.terminate(); second.waitUntilExit() }
            client = LiveAPI(base: try #require(try await serve.waitForLine(out2, containing: "listening on").split(separator: " ").last.map(String.init)))
            var final: JSONValue = .null
            let end = Date().addingTimeInterval(60)
            while Date() < end {
                final = try await client.request("GET", "/api/v1/workspaces/\(ws)/runs/\(run)", token: token).json
                if final["status"] != "running" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(final["status"] == "completed", "\(final)")
            #expect(final["output"] == ["calls": 20])
            let calls = seen.withLock { $0 }
            #expect(Set(calls) == Set(0..<20), "every iteration ran")
            #expect(calls.count <= 21, "at most the one call in flight at the kill repeats: \(calls)")
            let keys = (final["steps"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
            #expect(keys.count == Set(keys).count && keys.filter { $0.hasPrefix("call@") }.count == 20, "each step is recorded once")
        }
    }
}

/// A 20-iteration loop that calls the replica once per iteration.
enum Flow20 {
    static func definition(_ url: String) -> JSONValue {
        ["name": "Twenty calls",
         "nodes": [
            ["id": "start", "type": "trigger", "config": ["kind": "manual"]],
            ["id": "loop", "type": "loop", "outputVariable": "results", "config": ["mode": "times", "count": 20]],
            ["id": "call", "type": "connector", "config": ["connector": "http", "tool": "http_request",
                                                           "arguments": ["method": "POST", "url": .string(url), "body": ["i": "{{ index }}"]]]],
            ["id": "done", "type": "response", "config": ["body": ["calls": "{{ length(results) }}"]]],
         ],
         "edges": [["from": "start", "to": "loop"], ["from": "loop", "to": "call", "handle": "body"], ["from": "call", "to": "loop"],
                   ["from": "loop", "to": "done", "handle": "complete"]]]
    }
}
