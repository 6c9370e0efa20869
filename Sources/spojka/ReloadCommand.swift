import ArgumentParser
import Foundation
import SpojkaServer

/// `spojka connectors reload`: the running server reloads its connector folder, without a restart.
struct ReloadConnectors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Reload the running server's connector folder (SPOJKA_CONNECTORS_DIR) without a restart.",
        discussion: """
            Sends SIGHUP to the `spojka serve` of this data directory (its process ID is in spojka.pid there), after checking the \
            folder here and listing what the server will refuse. The server's log and GET /readyz (connectors.refused) report \
            the outcome. Exits 1 when a manifest is refused (the others load) or no server runs.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Process ID of the server (default: read from spojka.pid in the data directory)") var pid: Int32?

    func run() async throws {
        let config = try database.config()
        var refused = 0
        if let folder = config.connectorsDirectory {
            let snapshot = ConnectorFolder.snapshot(builtins: try loadCatalog(), directory: folder)
            say("Connector folder \(folder): \(snapshot.folderKeys.count) connector(s) load: \(snapshot.folderKeys.sorted().joined(separator: ", "))")
            for issue in snapshot.refused { say("refused: \(issue.description)") }
            refused = snapshot.refused.count
        } else {
            say("SPOJKA_CONNECTORS_DIR is not set here; the server reloads the folder it was started with.")
        }
        let text = try? String(contentsOfFile: config.pidFilePath, encoding: .utf8)
        guard let target = pid ?? text.flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            fail(ValidationError("no server process ID: \(config.pidFilePath) is missing (is `spojka serve` running with this data directory?); give --pid"))
        }
        guard kill(target, SIGHUP) == 0 else {
            fail(ValidationError("no server with process ID \(target) (is `spojka serve` running with this data directory?)"))
        }
        say("Sent SIGHUP to process \(target): it reloads its connector folder; its log and GET /readyz report the outcome.")
        if refused > 0 { throw ExitCode(1) }
    }
}
