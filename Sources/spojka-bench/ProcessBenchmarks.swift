import AsyncHTTPClient
import Foundation
import SpojkaTestSupport

/// W1 with the server in processes of its own: the release `spojka serve` binary as child processes, this process as
/// the load generator and the echo replica. One server on SQLite (durable), then 1, 2 and 3 servers sharing one
/// PostgreSQL database and its run queue, with the webhooks spread round-robin over them.
extension Bench {
    /// The PostgreSQL server the process benchmarks create their databases on: `SPOJKA_BENCH_DATABASE_URL` (what
    /// `scripts/bench` starts), else `SPOJKA_TEST_DATABASE_URL`.
    static var benchPostgres: String? {
        let environment = ProcessInfo.processInfo.environment
        return environment["SPOJKA_BENCH_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? TestDatabase.postgresURL
    }

    /// The W1 rows for each set-up, `binary` being the `spojka` executable.
    static func processes(binary: String) async throws -> [(String, String)] {
        let postgres = benchPostgres
        // The PostgreSQL server's process (`scripts/bench` passes it when it started the server): its CPU is counted too.
        let postgresPID = ProcessInfo.processInfo.environment["SPOJKA_BENCH_PG_PID"].flatMap { Int32($0) }
        let setups: [(database: String, count: Int)] = [("SQLite", 1)] + (postgres == nil ? [] : (1...3).map { ("PostgreSQL", $0) })
        if postgres == nil { FileHandle.standardError.write(Data("no SPOJKA_BENCH_DATABASE_URL: the PostgreSQL rows are skipped\n".utf8)) }
        // The load generator's own client, with as many connections per server as callers: "16 clients" are 16 requests
        // in flight whatever the number of servers (the shared client would allow 8 per server).
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let calls = EchoCounter()
        let result: Result<[(String, String)], any Error>
        do {
            result = .success(try await ReplicaServer.run(echoRouter(calls)) { replica in
                var rows: [(String, String)] = []
                for setup in setups {
                    let label = "\(setup.database), \(setup.count) process\(setup.count == 1 ? "" : "es")"
                    let database = setup.database == "SQLite" ? nil : try await TestDatabase.createPostgresDatabase(server: postgres)
                    rows += try await ServeFleet.with(binary: binary, count: setup.count, databaseURL: database) { fleet in
                        try await w1(on: fleet, label: label, databasePID: database == nil ? nil : postgresPID, replica: replica, calls: calls, client: client)
                    }
                    if let database { try? await TestDatabase.dropPostgresDatabase(database) }
                }
                return rows
            })
        } catch { result = .failure(error) }
        try await client.shutdown()
        return try result.get()
    }

    /// W1 against the servers of `fleet`: sync throughput with 16 clients, async saturation until every run has called
    /// the replica (with the CPU it cost each side; the database's when `databasePID` names its server process), and sync
    /// latency at a fixed 200 runs/s.
    static func w1(on fleet: ServeFleet, label: String, databasePID: Int32?, replica: String, calls: EchoCounter,
                   client: HTTPClient) async throws -> [(String, String)] {
        let api = LiveAPI(base: fleet.urls[0])
        let owner = try await api.setUp()
        let setup = try await WorkflowBench(api: api, owner: owner, bases: fleet.urls, replica: replica, now: { Date() }, calls: calls,
                                            client: client)
        _ = try await setup.concurrentSync(count: scaled(320), clients: 16)  // warm-up: every server's connections and caches
        let concurrent = try await setup.concurrentSync(count: scaled(2000), clients: 16)
        let count = scaled(5000) / 32 * 32
        let database = { databasePID.map { ProcessCPU.treeSeconds($0) } ?? .nan }
        let (serversBefore, databaseBefore) = (fleet.cpuSeconds, database())
        let saturation = try await setup.asyncSaturation(count: count, clients: 32)
        let serverCPU = (fleet.cpuSeconds - serversBefore) / Double(count)
        let databaseCPU = (database() - databaseBefore) / Double(count)
        // Cores the measured processes kept busy: what more processes could add on this machine.
        let cores = (serverCPU + saturation.cpuPerRun + (databaseCPU.isNaN ? 0 : databaseCPU)) * saturation.runsPerSecond
        let fixed = try await setup.fixedRate(200, seconds: scale < 1 ? 1 : 5)
        let name = "W1 in its own process(es), \(label)"
        return [
            ("\(name): async webhook (202), 32 clients, until every run reached the replica: runs/s", String(format: "%.0f", saturation.runsPerSecond)),
            ("\(name): sync webhook, 16 clients: runs/s", String(format: "%.0f", concurrent)),
            ("\(name): sync webhook at a fixed 200 runs/s: p50 / p99", "\(millis(fixed.p50)) / \(millis(fixed.p99))"),
            ("\(name): CPU per async run: spojka processes / PostgreSQL (server and backends) / load generator + replica",
             "\(micros(serverCPU)) / \(databaseCPU.isNaN ? "–" : micros(databaseCPU)) / \(micros(saturation.cpuPerRun))"),
            ("\(name): cores those processes kept busy during the async run", String(format: "%.2f of %d", cores, ProcessInfo.processInfo.activeProcessorCount)),
        ]
    }
}
