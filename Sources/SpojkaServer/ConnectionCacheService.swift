import Logging
import ServiceLifecycle
import SpojkaConnections
import SpojkaCore
import SpojkaStore

/// Keeps this process's connection cache honest and commits the calls' bookkeeping at shutdown.
///
/// On PostgreSQL it listens for the connection changes every process announces on commit
/// (`PostgresDriver.connectionChanges`) and drops each named connection; while it is not listening (start-up, a
/// dropped connection) the cache is suspended, and it is emptied when listening resumes, since changes may have
/// been missed. On SQLite one process owns the database, and the service only flushes at shutdown.
struct ConnectionCacheService: Service {
    let connections: ConnectionService
    let postgres: PostgresDriver?
    let logger: Logger

    func run() async throws {
        if let postgres {
            await cancelWhenGracefulShutdown { await listen(postgres) }
        } else {
            try? await gracefulShutdown()
        }
        await connections.flushBookkeeping()
    }

    private func listen(_ postgres: PostgresDriver) async {
        let cache = connections.cache
        while !Task.isCancelled {
            do {
                try await postgres.listen(PostgresDriver.connectionChanges, listening: {
                    cache.resume()
                    logger.info("listening for connection changes; connections are cached")
                }, received: { id in
                    logger.debug("connection changed elsewhere; dropped from the cache", metadata: ["connection": .string(id)])
                    cache.invalidate(ID(rawValue: id))
                })
            } catch where !Task.isCancelled {
                logger.warning("connection change notifications stopped; connections are read from the database until they resume",
                               metadata: ["error": .string(String(describing: type(of: error)))])
            } catch {}
            cache.suspend()
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
