import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaServer
import SpojkaTestSupport

extension Bench {
    /// Tool call end to end (validate, build, send to a loopback replica, parse, validate output) vs. the bare HTTP request.
    static func toolCallOverhead() async throws -> [(String, String)] {
        let router = Router()
        router.get("/items") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"items":[{"id":1,"name":"Widget"}],"count":1}"#)))
        }
        let catalog = try loadCatalog()
        guard let http = catalog.connector("http") else { return [] }
        return try await ReplicaServer.run(router) { base in
            let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
            let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations)
            let call = ToolCall(connector: http, tool: "http_get", arguments: ["url": "/items", "query": ["limit": 10]],
                                credentials: ["token": Secret("bench-token")], settings: ["authMethod": "bearer", "baseUrl": .string(base)])
            let tool = try await measureAsync(count: 3000) { _ = try await runtime.call(call) }
            let raw = try await measureAsync(count: 3000) {
                _ = try await transport.send(OutboundRequest(method: "GET", url: base + "/items?limit=10"), timeout: .seconds(5))
            }
            try await transport.shutdown()
            return [("tool call through the runtime to a loopback replica p50 / p99", "\(micros(tool.p50)) / \(micros(tool.p99))"),
                    ("same request sent bare (transport only) p50 / p99", "\(micros(raw.p50)) / \(micros(raw.p99))"),
                    ("runtime overhead at p50 (validate, build, parse, validate output)", micros(tool.p50 - raw.p50))]
        }
    }

    /// `spojka serve` (release) from exec to `/readyz` answering 200: first start and restart.
    static func coldStart(binary: String) async throws -> [(String, String)] {
        var first: [Double] = []
        var again: [Double] = []
        for _ in 0..<5 {
            let data = NSTemporaryDirectory() + "spojka-bench-" + UUID().uuidString
            first.append(try await startToReady(binary: binary, data: data))
            again.append(try await startToReady(binary: binary, data: data))
            try? FileManager.default.removeItem(atPath: data)
        }
        return [("cold start to /readyz, new data directory (key file + migrations) p50", millis(Stats(first).p50)),
                ("cold start to /readyz, existing data directory p50", millis(Stats(again).p50))]
    }

    static func startToReady(binary: String, data: String) async throws -> Double {
        let port = Int.random(in: 20000...40000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", String(port), "--data", data]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .milliseconds(200)), response.status == .ok {
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw TestFailure("the server did not become ready")
    }

    /// Authenticated `GET /api/v1/workspaces/{ws}` under load: 16 concurrent clients on loopback, same process.
    static func authenticatedLoad() async throws -> [(String, String)] {
        let app = try TestApp(configure: { $0.logLevel = .error })
        return try await app.runLive { base, api in
            let owner = try await api.setUp()
            let url = "\(base)/api/v1/workspaces/\(owner.workspace)"
            let perClient = 500, clients = 16
            let start = DispatchTime.now().uptimeNanoseconds
            let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        var local: [Double] = []
                        for _ in 0..<perClient {
                            var request = HTTPClientRequest(url: url)
                            request.headers.add(name: "Authorization", value: "Bearer \(owner.token)")
                            let t0 = DispatchTime.now().uptimeNanoseconds
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                            _ = try await response.body.collect(upTo: 1 << 16)
                            guard response.status == .ok else { throw TestFailure("status \(response.status)") }
                            local.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                        }
                        return local
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let stats = Stats(samples)
            return [("authenticated GET workspace, 16 concurrent clients, p50 / p99", "\(millis(stats.p50)) / \(millis(stats.p99))"),
                    ("authenticated GET workspace throughput (8,000 requests)", String(format: "%.0f req/s", Double(samples.count) / elapsed))]
        }
    }
}
