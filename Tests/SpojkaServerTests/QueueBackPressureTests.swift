import Foundation
import Hummingbird
import SpojkaCore
import SpojkaTestSupport
import Synchronization
import Testing

/// A server that executes nothing queued (`--no-worker`), a full queue (429), a worker that drains it, and a cancel
/// that reaches the run on the worker while its step is still in flight.
@Suite("Cluster: back-pressure, workers and cancel", .serialized)
struct QueueBackPressureTests {
    @Test(.enabled(if: ClusterTests.enabled))
    func aFullQueueRefusesWebhooksAndAWorkerDrainsItAndCancelStopsARunMidStep() async throws {
        let calls = CallCounter()
        let released = Mutex(false)
        let router = Router()
        router.post("/slow") { request, _ -> Response in
            let body = try JSONValue(parsing: Array(buffer: try await request.body.collect(upTo: 1 << 16)))
            calls.add("\(Int(body["n"]?.doubleValue ?? -1))/a")
            let until = Date().addingTimeInterval(60)
            while !released.withLock({ $0 }), Date() < until { try await Task.sleep(for: .milliseconds(20)) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"ok":true}"#)))
        }
        router.post("/count") { request, _ -> Response in
            let body = try JSONValue(parsing: Array(buffer: try await request.body.collect(upTo: 1 << 16)))
            calls.add("\(Int(body["n"]?.doubleValue ?? -1))/b")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"ok":true}"#)))
        }
        try await ReplicaServer.run(router) { replica in
            let cluster = try await Cluster.start(servers: 1, workers: 0, serverExtra: ["SPOJKA_WORKER": "false", "SPOJKA_QUEUE_MAX_DEPTH": "3"])
            defer { cluster.stop() }
            let signing = try await cluster.signingConnection(ClusterTests.secret)
            let hook = try #require(try await cluster.save(ClusterFlows.twoCalls(signing: signing, replica: replica, path: "/slow")).hook)

            // Nothing executes the queue yet: beyond three queued runs, webhooks are refused with 429 and Retry-After.
            var accepted: [String] = []
            var refused: (status: Int, run: String?, retryAfter: String?)?
            for n in 0..<20 where refused == nil {
                let answer = try await cluster.post(hook, to: 0, secret: ClusterTests.secret, body: ["n": .int(n)])
                if answer.status == 202, let run = answer.run { accepted.append(run) } else { refused = answer }
            }
            #expect(refused?.status == 429 && refused?.retryAfter == "5", "\(String(describing: refused))")
            #expect(accepted.count >= 3, "\(accepted.count) accepted")
            #expect(calls.all.isEmpty, "a --no-worker server executes no queued run")
            // The queue's depth and age are metrics (cluster-wide, refreshed every engine tick).
            var depth = 0.0
            let deadline = Date().addingTimeInterval(30)
            while depth != Double(accepted.count), Date() < deadline {
                let text = try await cluster.api(0).request("GET", "/metrics").text
                depth = text.split(separator: "\n").first { $0.hasPrefix("spojka_run_queue_depth ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
                #expect(text.contains("spojka_run_queue_age_seconds"))
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(depth == Double(accepted.count))

            // A worker claims every accepted run; cancelling one stops it on the worker while its call is in flight.
            let worker = try await SpojkaNode.start("worker", worker: true, environment: cluster.environment, directory: cluster.directory)
            defer { worker.stop() }
            let end = Date().addingTimeInterval(60)
            while calls.count("0/a") == 0, Date() < end { try await Task.sleep(for: .milliseconds(20)) }
            let cancelled = try await cluster.api(0).request("POST", cluster.base + "/runs/\(accepted[0])/cancel", token: cluster.token)
            #expect(cancelled.status == 200 && cancelled.json["status"] == "cancelled", "\(cancelled.text)")
            _ = try await worker.waitForLine("run cancelled elsewhere; stopping it here")
            released.withLock { $0 = true }
            let done = try await cluster.waitForRuns(Array(accepted.dropFirst()))
            #expect(done.values.allSatisfy { $0["status"] == "completed" }, "nothing accepted is dropped")
            #expect(calls.count("0/b") == 0, "the cancelled run went no further")
            #expect(Set(worker.claimedRuns) == Set(accepted))
            // Drained: webhooks are accepted again.
            var again = 0
            for n in 100..<200 where again != 202 {
                again = try await cluster.post(hook, to: 0, secret: ClusterTests.secret, body: ["n": .int(n)]).status
                if again != 202 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(again == 202)
        }
    }
}
