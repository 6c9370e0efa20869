import Foundation
import Hummingbird
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Several real `spojka` processes on one PostgreSQL database share one run queue (DESIGN §4).
@Suite("Cluster: one run queue, any worker", .serialized)
struct ClusterTests {
    static let enabled = FileManager.default.fileExists(atPath: ServeCommandTests.binary) && TestDatabase.isAvailable(.postgres)
    static let secret = "whsec_cluster_0123456789"

    /// A replica that counts `/count` calls by `n/step` (slower for `n >= 1000`) and `/scheduled` calls by slot.
    static func replica(_ calls: CallCounter, _ slots: CallCounter) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/count") { request, _ -> Response in
            let body = try JSONValue(parsing: Array(buffer: try await request.body.collect(upTo: 1 << 16)))
            let n = Int(body["n"]?.doubleValue ?? -1)
            calls.add("\(n)/\(body["step"]?.stringValue ?? "?")")
            try await Task.sleep(for: .milliseconds(n >= 1000 ? 100 : 30))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"ok":true}"#)))
        }
        router.post("/scheduled") { request, _ -> Response in
            let body = try JSONValue(parsing: Array(buffer: try await request.body.collect(upTo: 1 << 16)))
            slots.add(body["at"]?.stringValue ?? "?")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"ok":true}"#)))
        }
        return router
    }

    /// Posts webhooks `ns` spread over the servers, 16 at a time; returns run IDs by `n`.
    func postAll(_ cluster: Cluster, _ hook: String, _ ns: Range<Int>) async throws -> [Int: String] {
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            var runs: [Int: String] = [:]
            for n in ns {
                if n - ns.lowerBound >= 16, let (done, run) = try await group.next() { runs[done] = run }
                group.addTask {
                    let answer = try? await cluster.post(hook, to: n % 2, secret: Self.secret, body: ["n": .int(n)])
                    return (n, answer?.status == 202 ? answer?.run : nil)
                }
            }
            for try await (n, run) in group { runs[n] = run }
            return runs.compactMapValues { $0 }
        }
    }

    @Test(.enabled(if: enabled))
    func twoServersAndAWorkerExecuteEveryRunOnceAndSurviveKill9() async throws {
        let calls = CallCounter(), slots = CallCounter()
        try await ReplicaServer.run(Self.replica(calls, slots)) { replica in
            // Small per-process capacity, so that the queue builds up and every process claims from it.
            let cluster = try await Cluster.start(servers: 2, workers: 1, extra: ["SPOJKA_MAX_CONCURRENT_RUNS": "4"])
            defer { cluster.stop() }
            let signing = try await cluster.signingConnection(Self.secret)
            let (_, hook) = try await cluster.save(ClusterFlows.twoCalls(signing: signing, replica: replica))
            let hookPath = try #require(hook)
            _ = try await cluster.save(ClusterFlows.everyMinute(replica: replica))

            // 300 async webhooks over both servers: each run completes, each step is called exactly once.
            let first = try await postAll(cluster, hookPath, 0..<300)
            #expect(first.count == 300, "every webhook is accepted")
            let finished = try await cluster.waitForRuns(Array(first.values))
            #expect(finished.values.allSatisfy { $0["status"] == "completed" })
            for n in 0..<300 { #expect(calls.count("\(n)/a") == 1 && calls.count("\(n)/b") == 1, "run \(n): \(calls.count("\(n)/a")), \(calls.count("\(n)/b"))") }
            let claimedBy = cluster.nodes.map { Set($0.claimedRuns) }
            #expect(claimedBy.allSatisfy { !$0.intersection(first.values).isEmpty }, "runs executed on every process: \(claimedBy.map(\.count))")
            // (A run may be claimed twice only when a process stalled past its lease; the replica's counts above are what
            // must hold: the stalled process notices the loss at its next renewal and stops the run.)
            #expect(claimedBy.reduce(Set<String>()) { $0.union($1) }.isSuperset(of: first.values), "every run was claimed")

            // kill -9 a server in the middle of 150 more: every accepted run completes, no completed step repeats.
            let victim = cluster.nodes[1]
            let before = Set(victim.claimedRuns)
            async let posted = postAll(cluster, hookPath, 1000..<1150)
            let deadline = Date().addingTimeInterval(60)
            while (1000..<1150).filter({ calls.count("\($0)/a") > 0 }).count < 40, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            victim.kill9()
            let takenBefore = Set(victim.claimedRuns).subtracting(before)
            // Webhooks sent to the killed server after the kill were refused (not accepted); all others were.
            let second = try await posted
            #expect(second.count >= 75, "\(second.count) accepted")
            let done = try await cluster.waitForRuns(Array(second.values))
            #expect(done.values.allSatisfy { $0["status"] == "completed" })
            var repeats = 0
            for n in second.keys {
                let (a, b) = (calls.count("\(n)/a"), calls.count("\(n)/b"))
                #expect(a >= 1 && b >= 1 && a + b <= 3, "run \(n): a \(a), b \(b)")
                repeats += a + b - 2
                let keys = (done[second[n] ?? ""]?["steps"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
                #expect(keys.count == Set(keys).count, "each step is recorded once")
            }
            // Only a step in flight on the killed process (at most its 4 slots) may run once more.
            #expect(repeats <= 4, "\(repeats) repeated calls")
            // The runs the killed process held resumed on the survivors once their leases expired.
            let survivors = Set(cluster.nodes[0].claimedRuns + cluster.nodes[2].claimedRuns)
            #expect(!takenBefore.intersection(survivors).isEmpty, "the survivors took over the killed process's runs")

            // The schedule fired every minute slot once across the three processes.
            let end = Date().addingTimeInterval(75)
            while slots.all.isEmpty, Date() < end { try await Task.sleep(for: .milliseconds(100)) }
            #expect(!slots.all.isEmpty && slots.all.values.allSatisfy { $0 == 1 }, "\(slots.all)")
        }
    }
}
