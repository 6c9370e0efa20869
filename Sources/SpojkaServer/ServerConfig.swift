import Foundation
import Logging

/// Everything `spojka serve` can be told, from flags or `SPOJKA_*` environment variables.
public struct ServerConfig: Sendable {
    /// Address to listen on (`SPOJKA_HOST`, default `127.0.0.1`).
    public var host = "127.0.0.1"
    /// Port to listen on (`SPOJKA_PORT`, default 8080; 0 picks a free one).
    public var port = 8080
    /// Data directory for SQLite and the key file (`SPOJKA_DATA`, default `./spojka-data`).
    public var dataDirectory = "./spojka-data"
    /// `postgres://…` to use PostgreSQL instead of SQLite (`SPOJKA_DATABASE_URL`).
    public var databaseURL: String?
    /// Base64 master key (`SPOJKA_MASTER_KEY`); the key file in the data directory otherwise.
    public var masterKey: String?
    /// Public base URL for links (`SPOJKA_PUBLIC_URL`, default `http://HOST:PORT`).
    public var publicURL: String?
    /// Largest accepted request body in bytes (`SPOJKA_BODY_LIMIT`, default 1 MiB).
    public var bodyLimit = 1 << 20
    /// Seconds a connection may stay idle, or deliver no complete request head, before it is closed
    /// (`SPOJKA_IDLE_TIMEOUT_SECONDS`, default 60).
    public var idleTimeout = 60.0
    /// Seconds within which a request's body must arrive in full after its head (`SPOJKA_READ_TIMEOUT_SECONDS`, default 30).
    public var readTimeout = 30.0
    /// Most open client connections; further ones wait in the listen backlog until one closes (`SPOJKA_MAX_CONNECTIONS`,
    /// default 1000; keep it below the process's open-files limit).
    public var maxConnections = 1000
    /// log2 of the scrypt cost for passwords (`SPOJKA_PASSWORD_COST`, default 15).
    public var passwordCost = 15
    /// Whether tools may call private and loopback addresses (`SPOJKA_ALLOW_PRIVATE_NETWORK=true`; default false).
    public var allowPrivateNetwork = false
    /// Attempts per outgoing tool request (`SPOJKA_HTTP_ATTEMPTS`, default 3).
    public var httpAttempts = 3
    /// Seconds an outgoing connection may take to be established (`SPOJKA_HTTP_CONNECT_TIMEOUT`, default 5); a refused
    /// connection fails at once whatever this is.
    public var httpConnectTimeout = 5.0
    /// Log level (`SPOJKA_LOG_LEVEL`, default `info`).
    public var logLevel = Logger.Level.info
    /// How long a server's claim on a running run lasts without renewal (`SPOJKA_RUN_LEASE_SECONDS`, default 30);
    /// a crashed server's runs resume elsewhere (or after a restart) once it expires.
    public var runLeaseSeconds = 30.0
    /// Whether every step commits before its successor starts (`SPOJKA_RUN_JOURNAL=durable`, the default); `memory`
    /// keeps runs in memory only (benchmarks and throwaway instances: a crash loses running runs).
    public var durableRuns = true
    /// OAuth access tokens expiring within this many seconds are refreshed ahead of time (`SPOJKA_OAUTH_REFRESH_MARGIN_SECONDS`, default 300).
    public var oauthRefreshMargin = 300.0
    /// How often the OAuth refresher runs (`SPOJKA_OAUTH_REFRESH_TICK_SECONDS`, default 30).
    public var oauthRefreshTick = 30.0
    /// Where the OAuth callback page links back to (`SPOJKA_OAUTH_RETURN_URL`, e.g. the UI), if anywhere.
    public var oauthReturnURL: String?
    /// How often the engine renews leases, resumes orphaned runs, expires approvals and fires schedules
    /// (`SPOJKA_ENGINE_TICK_SECONDS`, default 1).
    public var engineTickSeconds = 1.0
    /// Whether this process claims and executes queued runs (`SPOJKA_WORKER=false` or `serve --no-worker`: it then
    /// executes only the runs it answers synchronously). Default true.
    public var executesRuns = true
    /// How many runs execute at once in this process (`SPOJKA_MAX_CONCURRENT_RUNS`, default 512).
    public var maxConcurrentRuns = 512
    /// How many runs of one workspace execute at once across all processes (`SPOJKA_WORKSPACE_MAX_RUNS`, default 256).
    public var workspaceMaxRuns = 256
    /// Beyond this many queued runs, async webhooks answer 429 with `Retry-After` (`SPOJKA_QUEUE_MAX_DEPTH`, default 10000).
    public var queueMaxDepth = 10_000

    /// The operator's connector folder (`SPOJKA_CONNECTORS_DIR`): `<key>/manifest.json` and `icon.svg`, loaded beside the
    /// built-ins at start and again on SIGHUP (`spojka connectors reload`).
    public var connectorsDirectory: String?

    /// The defaults.
    public init() {}

    /// Reads `SPOJKA_*` variables over the defaults; throws for malformed values.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfig {
        var config = ServerConfig()
        if let host = env["SPOJKA_HOST"], !host.isEmpty { config.host = host }
        if let port = env["SPOJKA_PORT"] { config.port = try int(port, "SPOJKA_PORT", 0...65535) }
        if let data = env["SPOJKA_DATA"], !data.isEmpty { config.dataDirectory = data }
        if let url = env["SPOJKA_DATABASE_URL"], !url.isEmpty { config.databaseURL = url }
        if let key = env["SPOJKA_MASTER_KEY"], !key.isEmpty { config.masterKey = key }
        if let url = env["SPOJKA_PUBLIC_URL"], !url.isEmpty { config.publicURL = url }
        if let limit = env["SPOJKA_BODY_LIMIT"] { config.bodyLimit = try int(limit, "SPOJKA_BODY_LIMIT", 1024...(1 << 30)) }
        if let idle = env["SPOJKA_IDLE_TIMEOUT_SECONDS"] { config.idleTimeout = try seconds(idle, "SPOJKA_IDLE_TIMEOUT_SECONDS") }
        if let read = env["SPOJKA_READ_TIMEOUT_SECONDS"] { config.readTimeout = try seconds(read, "SPOJKA_READ_TIMEOUT_SECONDS") }
        if let max = env["SPOJKA_MAX_CONNECTIONS"] { config.maxConnections = try int(max, "SPOJKA_MAX_CONNECTIONS", 1...1_000_000) }
        if let cost = env["SPOJKA_PASSWORD_COST"] { config.passwordCost = try int(cost, "SPOJKA_PASSWORD_COST", 10...20) }
        if let allow = env["SPOJKA_ALLOW_PRIVATE_NETWORK"] { config.allowPrivateNetwork = ["1", "true", "yes"].contains(allow.lowercased()) }
        if let attempts = env["SPOJKA_HTTP_ATTEMPTS"] { config.httpAttempts = try int(attempts, "SPOJKA_HTTP_ATTEMPTS", 1...10) }
        if let connect = env["SPOJKA_HTTP_CONNECT_TIMEOUT"] { config.httpConnectTimeout = try seconds(connect, "SPOJKA_HTTP_CONNECT_TIMEOUT") }
        if let lease = env["SPOJKA_RUN_LEASE_SECONDS"] { config.runLeaseSeconds = Double(try int(lease, "SPOJKA_RUN_LEASE_SECONDS", 1...3600)) }
        if let tick = env["SPOJKA_ENGINE_TICK_SECONDS"] {
            guard let value = Double(tick), value >= 0.05, value <= 60 else { throw ConfigError("SPOJKA_ENGINE_TICK_SECONDS must be a number from 0.05 to 60") }
            config.engineTickSeconds = value
        }
        if let margin = env["SPOJKA_OAUTH_REFRESH_MARGIN_SECONDS"] { config.oauthRefreshMargin = Double(try int(margin, "SPOJKA_OAUTH_REFRESH_MARGIN_SECONDS", 0...86400)) }
        if let tick = env["SPOJKA_OAUTH_REFRESH_TICK_SECONDS"] { config.oauthRefreshTick = Double(try int(tick, "SPOJKA_OAUTH_REFRESH_TICK_SECONDS", 1...3600)) }
        if let url = env["SPOJKA_OAUTH_RETURN_URL"], !url.isEmpty { config.oauthReturnURL = url }
        if let folder = env["SPOJKA_CONNECTORS_DIR"], !folder.isEmpty { config.connectorsDirectory = folder }
        if let worker = env["SPOJKA_WORKER"] {
            guard let value = ["true": true, "1": true, "false": false, "0": false][worker.lowercased()] else {
                throw ConfigError("SPOJKA_WORKER must be true or false")
            }
            config.executesRuns = value
        }
        if let max = env["SPOJKA_MAX_CONCURRENT_RUNS"] { config.maxConcurrentRuns = try int(max, "SPOJKA_MAX_CONCURRENT_RUNS", 1...100_000) }
        if let max = env["SPOJKA_WORKSPACE_MAX_RUNS"] { config.workspaceMaxRuns = try int(max, "SPOJKA_WORKSPACE_MAX_RUNS", 1...100_000) }
        if let max = env["SPOJKA_QUEUE_MAX_DEPTH"] { config.queueMaxDepth = try int(max, "SPOJKA_QUEUE_MAX_DEPTH", 1...100_000_000) }
        if let journal = env["SPOJKA_RUN_JOURNAL"] {
            guard ["durable", "memory"].contains(journal) else { throw ConfigError("SPOJKA_RUN_JOURNAL must be durable or memory") }
            config.durableRuns = journal == "durable"
        }
        if let level = env["SPOJKA_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level) else { throw ConfigError("SPOJKA_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical") }
            config.logLevel = parsed
        }
        return config
    }

    /// The key file path inside the data directory.
    public var keyFilePath: String { (dataDirectory as NSString).appendingPathComponent("master.key") }
    /// The file `spojka serve` writes its process ID to, for `spojka connectors reload`.
    public var pidFilePath: String { (dataDirectory as NSString).appendingPathComponent("spojka.pid") }
    /// The SQLite file path inside the data directory.
    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("spojka.sqlite") }
    /// The public URL, derived from host and port when not set.
    public var resolvedPublicURL: String { publicURL ?? "http://\(host):\(port)" }

    private static func seconds(_ text: String, _ name: String) throws -> Double {
        guard let value = Double(text), value >= 0.1, value <= 3600 else { throw ConfigError("\(name) must be a number of seconds from 0.1 to 3600") }
        return value
    }

    private static func int(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else { throw ConfigError("\(name) must be a number in \(range)") }
        return value
    }
}

/// A configuration mistake, reported at start.
public struct ConfigError: Error, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public let description: String
    init(_ message: String) { description = message }

    /// A mode that only makes sense with several processes on one PostgreSQL database.
    public static func sharedDatabaseNeeded(_ mode: String) -> ConfigError {
        ConfigError("\(mode) needs SPOJKA_DATABASE_URL (PostgreSQL): with SQLite, the one `spojka serve` process executes every run")
    }
}
