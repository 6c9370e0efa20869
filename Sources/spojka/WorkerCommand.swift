import ArgumentParser
import Foundation
import SpojkaServer

/// `spojka worker`: executes queued runs from the shared PostgreSQL database; no HTTP listener.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute queued runs (webhooks, schedules, API runs without wait, resumed approvals) without serving HTTP. Needs PostgreSQL.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let config = try database.config()
        guard config.databaseURL != nil else { fail(ConfigError.sharedDatabaseNeeded("worker")) }
        let worker: SpojkaWorker
        do {
            worker = try await buildWorker(config: config, logger: makeLogger(config))
        } catch {
            fail(error)
        }
        say("Spojka worker is executing queued runs")
        try await worker.run()
    }
}
