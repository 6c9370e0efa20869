import AsyncHTTPClient
import Foundation
import SpojkaCore
import SpojkaSecrets
import SpojkaTestSupport

/// What the workflow benchmarks need of a client of the Spojka API: the app in this process (`TestAPI`) or a server
/// over HTTP (`LiveAPI`).
protocol BenchAPI: Sendable {
    /// `POST path` with a JSON body and a bearer token.
    func post(_ path: String, token: String, body: JSONValue) async throws -> JSONResponse
}

extension TestAPI: BenchAPI {
    func post(_ path: String, token: String, body: JSONValue) async throws -> JSONResponse {
        try await request(.post, path, token: token, body: body)
    }
}

extension LiveAPI: BenchAPI {
    func post(_ path: String, token: String, body: JSONValue) async throws -> JSONResponse {
        try await request("POST", path, token: token, body: body)
    }
}

/// `spojka serve` processes of the real binary on one database, with one master key.
struct ServeFleet: Sendable {
    let servers: [SpojkaProcess]

    /// The servers' base URLs (`http://127.0.0.1:PORT`).
    var urls: [String] { servers.compactMap(\.url) }

    /// CPU seconds the servers have used so far, together.
    var cpuSeconds: Double { servers.reduce(0) { $0 + $1.cpuSeconds } }

    /// Starts `count` servers one after another (the first applies the migrations) on the PostgreSQL database
    /// `databaseURL`, or one server on SQLite (durable, in its data directory) when it is `nil`; runs `body`; then stops
    /// every server (SIGTERM, then waits) however `body` ended, printing the end of each log when it failed.
    static func with<T: Sendable>(binary: String, count: Int, databaseURL: String?,
                                  _ body: (ServeFleet) async throws -> T) async throws -> T {
        precondition(databaseURL != nil || count == 1, "several processes need a shared PostgreSQL database")
        let directory = try TestDatabase.temporaryDirectory()
        let environment = ["SPOJKA_DATABASE_URL": databaseURL ?? "", "SPOJKA_MASTER_KEY": MasterKey.generate().base64().reveal(),
                           "SPOJKA_HOST": "127.0.0.1", "SPOJKA_RUN_JOURNAL": "durable", "SPOJKA_PASSWORD_COST": "10",
                           "SPOJKA_ALLOW_PRIVATE_NETWORK": "true", "SPOJKA_HTTP_ATTEMPTS": "1", "SPOJKA_LOG_LEVEL": "error"]
        var servers: [SpojkaProcess] = []
        defer {
            for server in servers { server.stop() }
            try? FileManager.default.removeItem(atPath: directory)
        }
        do {
            for i in 0..<count {
                servers.append(try await SpojkaProcess.start(binary: binary, name: "server\(i)", environment: environment, directory: directory))
            }
            return try await body(ServeFleet(servers: servers))
        } catch {
            for server in servers { FileHandle.standardError.write(Data("== \(server.name) logged:\n\(server.log.suffix(2000))\n".utf8)) }
            throw error
        }
    }
}
