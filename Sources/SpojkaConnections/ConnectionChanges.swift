import Foundation
import SpojkaCore
import Synchronization

/// Tells listeners (MCP sessions) that a workspace's set of connections or their tool policies changed.
public final class ConnectionChanges: Sendable {
    private let listeners = Mutex<[@Sendable (ID<Workspace>) -> Void]>([])

    /// Creates an empty feed.
    public init() {}

    /// Adds a listener; it is called synchronously, so it should hand work off (e.g. to a task).
    public func subscribe(_ listener: @escaping @Sendable (ID<Workspace>) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// Tells every listener that `workspace` changed.
    public func publish(_ workspace: ID<Workspace>) {
        for listener in listeners.withLock({ $0 }) { listener(workspace) }
    }
}
