import ServiceLifecycle
import SpojkaCore

/// Refreshes OAuth access tokens before they expire (every `refreshTick`, those within `refreshMargin`).
public struct OAuthRefresher: Service {
    let connections: ConnectionService

    /// Creates the refresher over a connection service.
    public init(connections: ConnectionService) { self.connections = connections }

    /// Runs until graceful shutdown.
    public func run() async throws {
        let tick = connections.oauth.options.refreshTick
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await connections.refreshExpiringTokens()
                try? await Task.sleep(for: tick)
            }
        }
    }
}
