import AsyncHTTPClient
import Foundation
import NIOCore
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport

/// A workspace prepared for the workflow benchmarks: connections, the W1 workflow and its signed webhook, served by one
/// server (in this process) or by several `spojka serve` processes on one database (webhooks spread round-robin).
struct WorkflowBench: Sendable {
    let api: any BenchAPI
    let owner: (token: String, workspace: String, user: String)
    let connection: String
    /// The async and sync W1 hooks at every server (the hook path is the same on each).
    let hookURLs: [String]
    let syncHookURLs: [String]
    let signature = WebhookSignature(settings: ["scheme": "spojka"])
    let secret = Secret("whsec_bench_secret_1")
    /// The servers' clock (signatures carry a timestamp).
    let now: @Sendable () -> Date
    let calls: EchoCounter
    let client: HTTPClient

    /// Creates the workspace's connections and workflows through `api`; `bases` are the servers' base URLs.
    init(api: any BenchAPI, owner: (token: String, workspace: String, user: String), bases: [String], replica: String,
         now: @escaping @Sendable () -> Date, calls: EchoCounter, client: HTTPClient = .shared) async throws {
        self.api = api; self.owner = owner; self.now = now; self.calls = calls; self.client = client
        let ws = "/api/v1/workspaces/\(owner.workspace)"
        let http = try await api.post(ws + "/connections?verify=false", token: owner.token, body: [
            "connector": "http", "name": "Echo service", "credentials": ["token": .string(Bench.benchToken)],
            "settings": ["authMethod": "bearer", "baseUrl": .string(replica)]])
        connection = try Self.id(http)
        let signing = try Self.id(try await api.post(ws + "/connections", token: owner.token, body: [
            "connector": "webhook", "name": "Bench hook", "credentials": ["secret": "whsec_bench_secret_1"]]))
        var hooks: [String] = []
        for mode in ["async", "sync"] {
            let saved = try await api.post(ws + "/workflows", token: owner.token, body: Self.w1(mode: mode, signing: signing, connection: connection))
            hooks.append(try saved.json["webhookUrl"]?.stringValue.map { "/hooks/" + $0.split(separator: "/").last! } ?? { throw TestFailure(saved.text) }())
        }
        hookURLs = bases.map { $0 + hooks[0] }; syncHookURLs = bases.map { $0 + hooks[1] }
    }

    static func id(_ response: JSONResponse) throws -> String {
        guard let id = response.json["id"]?.stringValue else { throw TestFailure("\(response.status) \(response.text)") }
        return id
    }

    static func w1(mode: String, signing: String, connection: String) -> JSONValue {
        ["name": .string("W1 \(mode)"),
         "nodes": [
            ["id": "hook", "type": "trigger", "config": ["kind": "webhook", "signing": .string(signing), "mode": .string(mode)]],
            ["id": "shape", "type": "transform", "outputVariable": "order",
             "config": ["template": ["orderId": "{{ input.body.order.id }}", "amount": "{{ input.body.order.total }}", "count": "{{ length(input.body.order.items) }}"]]],
            ["id": "call", "type": "connector", "outputVariable": "echo",
             "config": ["connector": "http", "tool": "http_post", "connection": .string(connection), "arguments": ["url": "/v1/echo", "body": "{{ order }}"]]],
            ["id": "reply", "type": "response", "config": ["status": 200, "body": ["orderId": "{{ order.orderId }}", "echo": "{{ echo.body.received }}"]]],
         ],
         "edges": [["from": "hook", "to": "shape"], ["from": "shape", "to": "call"], ["from": "call", "to": "reply"]]]
    }

    static func payload(_ n: Int) -> String {
        #"{"order":{"id":\#(n),"total":12.5,"items":[{"sku":"a"},{"sku":"b"},{"sku":"c"}]}}"#
    }

    /// Sends the `n`th signed webhook to one of `urls` (round-robin by `n`); returns the status.
    func post(_ urls: [String], _ n: Int) async throws -> Int {
        let body = Self.payload(n)
        var request = HTTPClientRequest(url: urls[n % urls.count])
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in signature.sign(body: Array(body.utf8), secret: secret, now: now()) { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    func sequentialSync(count: Int) async throws -> Stats {
        try await measureAsync(count: count, warmup: 30) {
            guard try await post(syncHookURLs, 1) == 200 else { throw TestFailure("sync W1 failed") }
        }
    }

    /// Runs per second with `clients` concurrent synchronous callers.
    func concurrentSync(count: Int, clients: Int) async throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    for i in 0..<(count / clients) { guard try await post(syncHookURLs, client * 10_000 + i) == 200 else { throw TestFailure("W1 failed") } }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// CPU seconds this process has used so far. With the load generator in the process, CPU per run is a figure that
    /// other load on a shared machine disturbs much less than runs per second.
    static func ownCPUSeconds() -> Double { ProcessCPU.stat(getpid())?.own ?? 0 }

    /// Accepts `count` async webhooks from `clients` callers, then waits until every run has called the echo service;
    /// returns runs per second and the process's CPU seconds per run (server, replica and load generator together).
    func asyncSaturation(count: Int, clients: Int) async throws -> (runsPerSecond: Double, cpuPerRun: Double) {
        let target = calls.count.load(ordering: .relaxed) + (count / clients) * clients
        let start = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.ownCPUSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    for i in 0..<(count / clients) {
                        let status = try await post(hookURLs, client * 10_000 + i)
                        guard status == 202 else { throw TestFailure("W1 async refused: status \(status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let deadline = Date().addingTimeInterval(300)
        while calls.count.load(ordering: .relaxed) < target {
            guard Date() < deadline else { throw TestFailure("async W1 runs did not finish") }
            try await Task.sleep(for: .milliseconds(2))
        }
        return (Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9), (Self.ownCPUSeconds() - cpu) / Double(count))
    }

    /// Latencies of synchronous W1 calls started at a fixed rate (open loop) for `seconds`.
    func fixedRate(_ rate: Int, seconds: Int) async throws -> Stats {
        let total = rate * seconds
        let start = DispatchTime.now().uptimeNanoseconds
        let samples = try await withThrowingTaskGroup(of: Double.self) { group in
            for i in 0..<total {
                let due = start + UInt64(Double(i) / Double(rate) * 1e9)
                let now = DispatchTime.now().uptimeNanoseconds
                if due > now { try await Task.sleep(for: .nanoseconds(Int64(due - now))) }
                group.addTask {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    guard try await post(syncHookURLs, i) == 200 else { throw TestFailure("W1 failed at a fixed rate") }
                    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        return Stats(samples)
    }

    /// Saves `definition` and times manual runs (start to end, waiting for the result).
    func manual(_ definition: JSONValue, input: JSONValue = [:], repeats: Int) async throws -> Stats {
        let ws = "/api/v1/workspaces/\(owner.workspace)"
        let id = try Self.id(try await api.post(ws + "/workflows", token: owner.token, body: definition))
        return try await measureAsync(count: repeats, warmup: 2) {
            let answer = try await api.post(ws + "/workflows/\(id)/runs", token: owner.token, body: ["input": input, "wait": true, "timeoutSeconds": 120])
            guard answer.json["status"] == "completed" else { throw TestFailure("run did not complete: \(answer.text.prefix(300))") }
        }
    }

    static func loop(steps: Int) -> JSONValue {
        ["name": "Loop", "nodes": [
            ["id": "start", "type": "trigger", "config": ["kind": "manual"]],
            ["id": "loop", "type": "loop", "config": ["mode": "times", "count": .int(steps)]],
            ["id": "step", "type": "transform", "config": ["template": "{{ index }}"]],
         ], "edges": [["from": "start", "to": "loop"], ["from": "loop", "to": "step", "handle": "body"], ["from": "step", "to": "loop"]]]
    }

    static func forEach() -> JSONValue {
        ["name": "W2", "nodes": [
            ["id": "start", "type": "trigger", "config": ["kind": "manual"]],
            ["id": "each", "type": "loop", "outputVariable": "lines", "config": ["mode": "forEach", "array": "{{ input.items }}"]],
            ["id": "line", "type": "transform", "config": ["template": ["n": "{{ item }}", "label": "item {{ index }}"]]],
            ["id": "done", "type": "response", "config": ["body": ["count": "{{ length(lines) }}"]]],
         ], "edges": [["from": "start", "to": "each"], ["from": "each", "to": "line", "handle": "body"], ["from": "line", "to": "each"],
                      ["from": "each", "to": "done", "handle": "complete"]]]
    }

    func fanOut(branches: Int) throws -> JSONValue {
        var nodes: [JSONValue] = [["id": "start", "type": "trigger", "config": ["kind": "manual"]],
                                  ["id": "split", "type": "parallel", "config": ["branches": .int(branches)]],
                                  ["id": "join", "type": "response", "config": ["body": "done"]]]
        var edges: [JSONValue] = [["from": "start", "to": "split"]]
        for b in 0..<branches {
            nodes.append(["id": .string("call\(b)"), "type": "connector",
                          "config": ["connector": "http", "tool": "http_post", "connection": .string(connection), "arguments": ["url": "/v1/echo", "body": ["b": .int(b)]]]])
            edges.append(["from": "split", "to": .string("call\(b)"), "handle": .string(String(b))])
            edges.append(["from": .string("call\(b)"), "to": "join"])
        }
        return ["name": "W3", "nodes": .array(nodes), "edges": .array(edges)]
    }
}
