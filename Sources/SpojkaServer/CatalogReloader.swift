import Foundation
import Logging
import ServiceLifecycle
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore
import SpojkaStore
import UnixSignals

/// What one load of the connector folder did.
public struct ReloadReport: Sendable {
    /// Connectors in force after it.
    public var connectors: Int
    /// Keys of the folder's connectors in force.
    public var folderKeys: Set<String>
    /// `key: old → new` for each connector whose version changed.
    public var updated: [String: (from: String, to: String)]
    /// Connections moved to the new versions.
    public var connectionsUpdated: Int
    /// Manifests refused, each naming its file and JSON path.
    public var refused: [ManifestIssue]
}

/// Asks the running server to reload its connector folder (tests; operators send SIGHUP or run `spojka connectors reload`).
public final class ReloadTrigger: Sendable {
    let requests: AsyncStream<CheckedContinuation<ReloadReport, Never>>
    let continuation: AsyncStream<CheckedContinuation<ReloadReport, Never>>.Continuation

    /// Creates a trigger; hand it to ``Dependencies/reloads``.
    public init() { (requests, continuation) = AsyncStream.makeStream() }

    /// Reloads and returns the outcome.
    public func reload() async -> ReloadReport {
        await withCheckedContinuation { continuation.yield($0) }
    }
}

/// The `Service` that keeps the catalog in step with the operator's folder: at start it moves connections to the versions
/// in force; on SIGHUP (or a ``ReloadTrigger``) it reloads the folder, swaps the catalog, and moves connections again.
/// Reloads run one at a time, in this service's own task.
final class CatalogReloader: Service, Sendable {
    let live: LiveCatalog
    let builtins: Catalog
    let directory: String?
    let store: SQLStore
    let connections: ConnectionService
    let trigger: ReloadTrigger?
    let logger: Logger

    init(live: LiveCatalog, builtins: Catalog, directory: String?, store: SQLStore, connections: ConnectionService, trigger: ReloadTrigger?,
         logger: Logger) {
        self.live = live; self.builtins = builtins; self.directory = directory; self.store = store
        self.connections = connections; self.trigger = trigger; self.logger = logger
    }

    func run() async throws {
        await reconcile(previous: nil)
        enum Request: Sendable { case signal, call(CheckedContinuation<ReloadReport, Never>) }
        let (requests, enqueue) = AsyncStream.makeStream(of: Request.self)
        await withDiscardingTaskGroup { group in
            // Always trapped, so a SIGHUP never stops a server (without a folder it only re-checks connection versions).
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() { enqueue.yield(.signal) }
                enqueue.finish()
            }
            if let trigger {
                group.addTask {
                    for await call in trigger.requests.cancelOnGracefulShutdown() { enqueue.yield(.call(call)) }
                    enqueue.finish()
                }
            }
            for await request in requests {
                let report = await reload()
                if case .call(let continuation) = request { continuation.resume(returning: report) }
            }
        }
        try? await gracefulShutdown()
    }

    /// Loads the folder again, puts the result in force, and moves the connections of every changed connector.
    func reload() async -> ReloadReport {
        let previous = live.snapshot
        let next = ConnectorFolder.snapshot(builtins: builtins, directory: directory, previous: previous)
        live.replace(with: next)
        var updated: [String: (from: String, to: String)] = [:]
        for (key, manifest) in next.catalog.connectors {
            if let old = previous.catalog.connector(key), old.version != manifest.version { updated[key] = (old.version, manifest.version) }
        }
        log(next, event: "connector catalog reloaded")
        let moved = await reconcile(previous: previous.catalog)
        return ReloadReport(connectors: next.catalog.connectors.count, folderKeys: next.folderKeys, updated: updated,
                            connectionsUpdated: moved, refused: next.refused)
    }

    /// Moves every connection recorded at another version than the one in force; returns how many moved.
    @discardableResult
    func reconcile(previous: Catalog?) async -> Int {
        let catalog = live.current
        if previous == nil { log(live.snapshot, event: "connector catalog loaded") }
        do {
            let behind = try await store.connectionsBehind(catalog.connectors.mapValues(\.version))
            var moved = 0
            for row in behind {
                let old = previous?.connector(row.connector)
                if try await connections.applyConnectorUpdate(row.connection, in: row.workspace, previous: old) {
                    moved += 1
                    logger.info("connection moved to a new connector version", metadata: [
                        "connection": .string(row.connection.rawValue), "connector": .string(row.connector),
                        "from": .string(row.version), "to": .string(catalog.connector(row.connector)?.version ?? "")])
                }
            }
            return moved
        } catch {
            logger.error("connector update of connections failed", metadata: ["error": .string("\(error)")])
            return 0
        }
    }

    private func log(_ snapshot: LiveCatalog.Snapshot, event: Logger.Message) {
        logger.info(event, metadata: ["connectors": .stringConvertible(snapshot.catalog.connectors.count),
                                      "folder": .array(snapshot.folderKeys.sorted().map { .string($0) })])
        for issue in snapshot.refused {
            logger.error("connector manifest refused", metadata: ["file": .string(issue.file), "path": .string(issue.path.isEmpty ? "/" : issue.path),
                                                                  "rule": .string(issue.rule), "message": .string(issue.message)])
        }
    }
}
