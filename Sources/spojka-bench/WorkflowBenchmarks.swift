import AsyncHTTPClient
import Foundation
import Synchronization
import Hummingbird
import NIOCore
import SpojkaConnectorKit
import SpojkaCore
import SpojkaServer
import SpojkaTestSupport

/// The workflow workloads: W1 (webhook → transform → connector call with an injected credential → response),
/// per-step overhead, W2 (forEach over 1,000 items), W3 (100 parallel branches calling the replica).
extension Bench {
    static let benchToken = "sk_test_bench"

    /// `SPOJKA_BENCH_SCALE` (default 1): a fraction scales the workflow benchmarks' request counts down while developing.
    static var scale: Double { Double(ProcessInfo.processInfo.environment["SPOJKA_BENCH_SCALE"] ?? "1") ?? 1 }

    /// `count` scaled by `scale`, at least 16.
    static func scaled(_ count: Int) -> Int { max(16, Int(Double(count) * scale)) }

    /// The loopback service W1 and W3 call: `POST /v1/echo` with `Authorization: Bearer sk_test_bench`.
    static func echoRouter(_ calls: EchoCounter) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/echo") { request, _ -> Response in
            calls.count.add(1, ordering: .relaxed)
            guard request.headers[.authorization] == "Bearer \(benchToken)" else { return Response(status: .unauthorized) }
            let body = try await request.body.collect(upTo: 1 << 20)
            var out = ByteBuffer(string: #"{"ok":true,"received":"#)
            var copy = body
            out.writeBuffer(&copy)
            out.writeString("}")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out))
        }
        return router
    }

    /// Runs every workflow benchmark for one journal mode (only the W1 rows with `onlyW1`); `json` collects the W1
    /// figures compared with the peers.
    static func workflows(durable: Bool, onlyW1: Bool, json: inout [String: JSONValue]) async throws -> [(String, String)] {
        let mode = durable ? "durable" : "in-memory"
        let app = try TestApp(configure: { $0.logLevel = .error; $0.allowPrivateNetwork = true; $0.httpAttempts = 1; $0.durableRuns = durable })
        let calls = EchoCounter()
        let rowsAndJSON = try await ReplicaServer.run(echoRouter(calls)) { replica in
            try await app.runLive { base, api in
                let owner = try await api.setUp()
                let setup = try await WorkflowBench(api: api, owner: owner, bases: [base], replica: replica, now: { app.clock.now() }, calls: calls)
                var rows: [(String, String)] = []
                var figures: [String: JSONValue] = [:]
                let sequential = try await setup.sequentialSync(count: scaled(300))
                rows.append(("W1 \(mode), sync webhook, one client: p50 / p99", "\(millis(sequential.p50)) / \(millis(sequential.p99))"))
                let concurrent = try await setup.concurrentSync(count: scaled(2000), clients: 16)
                rows.append(("W1 \(mode), sync webhook, 16 clients: runs/s", String(format: "%.0f", concurrent)))
                let saturation = try await setup.asyncSaturation(count: scaled(5000), clients: 32)
                rows.append(("W1 \(mode), async webhook (202), 32 clients, until every run completed: runs/s", String(format: "%.0f", saturation.runsPerSecond)))
                rows.append(("W1 \(mode), async webhook: CPU per run (server, replica and load generator)", micros(saturation.cpuPerRun)))
                for rate in [200, 500] {
                    let fixed = try await setup.fixedRate(rate, seconds: scale < 1 ? 1 : 5)
                    rows.append(("W1 \(mode), sync webhook at a fixed \(rate) runs/s: p50 / p99", "\(millis(fixed.p50)) / \(millis(fixed.p99))"))
                    figures["fixed\(rate)_p99_ms"] = .double(fixed.p99 * 1000)
                }
                figures["sequential_p50_ms"] = .double(sequential.p50 * 1000)
                figures["sequential_p99_ms"] = .double(sequential.p99 * 1000)
                figures["seq_runs_per_s"] = .double(1 / sequential.mean)
                figures["concurrent_runs_per_s"] = .double(concurrent)
                figures["async_saturation_runs_per_s"] = .double(saturation.runsPerSecond)
                if onlyW1 { return (rows, figures) }
                let loop = try await setup.manual(WorkflowBench.loop(steps: 1000), repeats: 10)
                rows.append(("1,000-step loop (times + transform), \(mode): per step", String(format: "%.1f µs", loop.p50 / 1000 * 1e6)))
                let each = try await setup.manual(WorkflowBench.forEach(), input: ["items": .array((0..<1000).map { .int($0) })], repeats: 10)
                rows.append(("W2 forEach over 1,000 items, \(mode): p50", millis(each.p50)))
                let fan = try await setup.manual(try setup.fanOut(branches: 100), repeats: 10)
                rows.append(("W3 100 parallel branches calling the replica, \(mode): p50", millis(fan.p50)))
                return (rows, figures)
            }
        }
        json[mode] = .object(rowsAndJSON.1)
        return rowsAndJSON.0
    }
}

/// Counts calls that reached the echo service (one per completed W1 run).
final class EchoCounter: Sendable {
    let count = Atomic<Int>(0)
}
