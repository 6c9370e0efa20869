import ArgumentParser
import Foundation
import Logging
import SpojkaConnectorKit
import SpojkaServer

/// The `spojka` command line.
@main
struct Spojka: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spojka",
        abstract: "Spojka: self-hosted workflow automation. Workflows call tools through connections, by ID.",
        subcommands: [Serve.self, Worker.self, Migrate.self, Keys.self, Connectors.self, Connections.self, Tokens.self])
}

/// Options shared by commands that open the database.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Data directory (SQLite and key file). Env: SPOJKA_DATA. Default ./spojka-data")
    var data: String?

    func config() throws -> ServerConfig {
        var config = try ServerConfig.fromEnvironment()
        if let data { config.dataDirectory = data }
        return config
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Spojka server.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on. Env: SPOJKA_HOST. Default 127.0.0.1") var host: String?
    @Option(help: "Port to listen on. Env: SPOJKA_PORT. Default 8080") var port: Int?
    @Flag(help: "Execute only the runs answered synchronously; leave queued runs to `spojka worker` and other servers (PostgreSQL only). Env: SPOJKA_WORKER=false")
    var noWorker = false

    func run() async throws {
        var config = try database.config()
        if let host { config.host = host }
        if let port { config.port = port }
        if noWorker { config.executesRuns = false }
        if !config.executesRuns && config.databaseURL == nil {
            fail(ConfigError.sharedDatabaseNeeded("serve --no-worker"))
        }
        let logger = makeLogger(config)
        var dependencies = Dependencies()
        let host = config.host
        dependencies.onListening = { port in
            say("Spojka is listening on http://\(host):\(port)")
            say("Next step: open http://\(host):\(port)/ in a browser to create the first user and workspace")
            say("  (or, without a browser: POST /api/v1/setup — see README.md)")
        }
        let app: SpojkaApplication
        do {
            app = try await buildApplication(config: config, logger: logger, dependencies: dependencies)
        } catch {
            fail(error)
        }
        // `spojka connectors reload` finds this process here and sends it SIGHUP.
        try? Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: config.pidFilePath))
        defer { try? FileManager.default.removeItem(atPath: config.pidFilePath) }
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the master key and apply pending database migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let config = try database.config()
        do {
            let prepared = try await Bootstrap.withDriver(config, logger: makeLogger(config)) { driver in
                try await Bootstrap.prepare(config, driver: driver)
            }
            print(prepared.applied.isEmpty ? "Database is up to date." : "Applied: \(prepared.applied.joined(separator: ", "))")
        } catch {
            fail(error)
        }
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the master key.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-wrap every workspace data key under a new master key.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "File holding the new key: base64 of 32 random bytes (e.g. `openssl rand -base64 32 > new.key`).")
        var newKeyFile: String

        func run() async throws {
            let config = try database.config()
            do {
                let outcome = try await MasterKeyRotation.run(config: config, newKeyFile: newKeyFile, logger: makeLogger(config))
                print("Re-wrapped \(outcome.rewrapped) data keys: \(outcome.from) -> \(outcome.to).")
                print(outcome.keyFileUpdated
                      ? "The key file \(config.keyFilePath) now holds the new key. Back it up; restart running servers."
                      : "Set SPOJKA_MASTER_KEY to the contents of \(newKeyFile) and restart running servers.")
            } catch {
                fail(error)
            }
        }
    }
}

/// Writes a line to stdout unbuffered (so scripts and tests see it at once).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

struct Connectors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Work with connector manifests.", subcommands: [Validate.self, Schema.self, ImportConnector.self, ReloadConnectors.self])

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check manifests: a manifest.json file, a connector folder, or a folder of connector folders (default: the shipped ones).")
        @Argument(help: "manifest.json, <key>/ folder, or a folder of them") var path: String?

        func run() async throws {
            let issues = try ManifestCheck.run(path: path)
            if issues.isEmpty {
                say("All manifests are valid.")
            } else {
                for issue in issues { say(issue.description) }
                say("\(issues.count) problem(s) found.")
                throw ExitCode(1)
            }
        }
    }

    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the JSON Schema of the manifest format.")
        func run() async throws { say(ManifestSchema.text) }
    }
}

func makeLogger(_ config: ServerConfig) -> Logger {
    var logger = Logger(label: "spojka")
    logger.logLevel = config.logLevel
    return logger
}

func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("spojka: \(error)\n".utf8))
    Foundation.exit(1)
}
