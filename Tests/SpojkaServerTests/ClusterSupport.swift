import AsyncHTTPClient
import Foundation
import NIOCore
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets
import SpojkaTestSupport
import Synchronization

/// One `spojka serve` or `spojka worker` OS process of the real binary (the one under test), its output in a file.
typealias SpojkaNode = SpojkaProcess

extension SpojkaProcess {
    /// Starts a process of the binary under test and waits for the line saying it is up.
    static func start(_ name: String, worker: Bool, environment: [String: String], directory: String) async throws -> SpojkaProcess {
        try await start(binary: ServeCommandTests.binary, name: name, worker: worker, environment: environment, directory: directory)
    }

    /// The run IDs this process logged as claimed.
    var claimedRuns: [String] {
        log.split(separator: "\n").filter { $0.contains("claimed queued runs") }.flatMap { line -> [String] in
            guard let range = line.range(of: "runs=") else { return [] }
            return line[range.upperBound...].prefix { !$0.isWhitespace }.split(separator: ",").map(String.init)
        }
    }
}

/// Several processes on one fresh PostgreSQL database with one master key, and a workspace owner.
struct Cluster: Sendable {
    let nodes: [SpojkaNode]
    let directory: String
    let environment: [String: String]
    let token: String
    let workspace: String

    var servers: [SpojkaNode] { nodes.filter { $0.url != nil } }
    func api(_ index: Int) -> LiveAPI { LiveAPI(base: servers[index].url!) }

    /// Starts `servers` servers (the first one sets up the owner) and `workers` workers.
    static func start(servers: Int, workers: Int, extra: [String: String] = [:], serverExtra: [String: String] = [:]) async throws -> Cluster {
        let database = try await TestDatabase.createPostgresDatabase()
        let directory = try TestDatabase.temporaryDirectory()
        var environment = ["SPOJKA_DATABASE_URL": database, "SPOJKA_MASTER_KEY": MasterKey.generate().base64().reveal(),
                           "SPOJKA_PASSWORD_COST": "10", "SPOJKA_ALLOW_PRIVATE_NETWORK": "true", "SPOJKA_HTTP_ATTEMPTS": "1",
                           "SPOJKA_PUBLIC_URL": "http://spojka.test", "SPOJKA_RUN_LEASE_SECONDS": "5", "SPOJKA_ENGINE_TICK_SECONDS": "0.2"]
        environment.merge(extra) { _, new in new }
        var nodes: [SpojkaNode] = []
        for i in 0..<servers {
            nodes.append(try await SpojkaNode.start("server\(i)", worker: false, environment: environment.merging(serverExtra) { _, new in new },
                                                    directory: directory))
        }
        for i in 0..<workers { nodes.append(try await SpojkaNode.start("worker\(i)", worker: true, environment: environment, directory: directory)) }
        let first = LiveAPI(base: nodes[0].url!)
        let setup = try await first.request("POST", "/api/v1/setup", body: ["email": "o@example.com", "name": "O", "workspace": "W",
                                                                            "password": "a long passphrase"])
        guard let token = setup.json["token"]?.stringValue,
              let ws = try await first.request("GET", "/api/v1/workspaces", token: token).json["items"]?[0]?["id"]?.stringValue else {
            throw TestFailure("setup: \(setup.text)")
        }
        return Cluster(nodes: nodes, directory: directory, environment: environment, token: token, workspace: ws)
    }

    func stop() {
        for node in nodes { node.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var base: String { "/api/v1/workspaces/\(workspace)" }

    /// Saves a workflow; returns its ID and, for a webhook trigger, the hook's path.
    func save(_ definition: JSONValue) async throws -> (id: String, hook: String?) {
        let saved = try await api(0).request("POST", base + "/workflows", token: token, body: definition)
        guard let id = saved.json["id"]?.stringValue else { throw TestFailure("save: \(saved.text)") }
        let url = try await api(0).request("GET", base + "/workflows/\(id)", token: token).json["webhookUrl"]?.stringValue
        return (id, url.flatMap { $0.range(of: "/hooks/").map { String(url![$0.lowerBound...]) } })
    }

    /// A webhook signing connection.
    func signingConnection(_ secret: String) async throws -> String {
        let created = try await api(0).request("POST", base + "/connections", token: token,
                                               body: ["connector": "webhook", "name": "Hook", "credentials": ["secret": .string(secret)]])
        guard let id = created.json["id"]?.stringValue else { throw TestFailure("connection: \(created.text)") }
        return id
    }

    /// Posts a signed webhook to `server`: (status, run ID, Retry-After).
    func post(_ hook: String, to server: Int, secret: String, body: JSONValue) async throws -> (status: Int, run: String?, retryAfter: String?) {
        let bytes = Array(body.jsonText.utf8)
        var request = HTTPClientRequest(url: servers[server].url! + hook)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in WebhookSignature(settings: [:]).sign(body: bytes, secret: Secret(secret), now: Date()) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let run = (try? JSONValue(parsing: Array(text.utf8)))?["runId"]?.stringValue
        return (Int(response.status.code), run, response.headers.first(name: "Retry-After"))
    }

    /// Waits until every run in `runs` has one of `statuses` (asked at `server`); returns them by ID.
    func waitForRuns(_ runs: [String], _ statuses: Set<String> = ["completed"], server: Int = 0, seconds: Double = 90) async throws -> [String: JSONValue] {
        var done: [String: JSONValue] = [:]
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            for run in runs where done[run] == nil {
                let got = try await api(server).request("GET", base + "/runs/\(run)", token: token).json
                if let status = got["status"]?.stringValue, statuses.contains(status) { done[run] = got }
            }
            if done.count == runs.count { return done }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("\(runs.count - done.count) of \(runs.count) runs did not reach \(statuses)")
    }
}

/// Counts the calls a replica receives by key.
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func add(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }
    var all: [String: Int] { counts.withLock { $0 } }
    func count(_ key: String) -> Int { counts.withLock { $0[key] ?? 0 } }
}

/// Workflow definitions of the cluster tests.
enum ClusterFlows {
    static func call(_ id: String, _ url: String, _ body: JSONValue) -> JSONValue {
        ["id": .string(id), "type": "connector",
         "config": ["connector": "http", "tool": "http_request", "arguments": ["method": "POST", "url": .string(url), "body": body]]]
    }

    /// Webhook → call `a` → call `b`, each telling the replica the payload's `n` and the step.
    static func twoCalls(signing: String, replica: String, path: String = "/count") -> JSONValue {
        ["name": "Two calls",
         "nodes": [["id": "hook", "type": "trigger", "config": ["kind": "webhook", "signing": .string(signing), "mode": "async"]],
                   call("a", replica + path, ["n": "{{ input.body.n }}", "step": "a"]),
                   call("b", replica + "/count", ["n": "{{ input.body.n }}", "step": "b"])],
         "edges": [["from": "hook", "to": "a"], ["from": "a", "to": "b"]]]
    }

    /// Every minute: one call telling the replica the slot.
    static func everyMinute(replica: String) -> JSONValue {
        ["name": "Every minute",
         "nodes": [["id": "tick", "type": "trigger", "config": ["kind": "schedule", "cron": "* * * * *"]],
                   call("report", replica + "/scheduled", ["at": "{{ input.scheduledAt }}"])],
         "edges": [["from": "tick", "to": "report"]]]
    }
}
