import Foundation
import SpojkaCore

/// A workflow as the list shows it: its summary, its trigger kind and the connector nodes it can no longer resolve.
public struct WorkflowListItem: Sendable {
    /// The workflow, its current definition, author and newest run.
    public var summary: WorkflowSummary
    /// The trigger's `kind` (`manual`, `webhook`, `schedule`), when the definition has a trigger.
    public var triggerKind: String?
    /// Nodes that cannot run as saved: `(nodeId, connectionId, reason)`.
    public var broken: [(node: String, connection: String, reason: String)]
}

extension WorkflowService {
    /// A page of the workspace's workflows ordered by name, after `(name, id)`; the page is assembled by the store.
    public func list(in workspace: ID<Workspace>, after: (name: String, id: String)?, limit: Int) async throws -> [WorkflowListItem] {
        try await store.read { tx in
            let summaries = try await tx.workflowSummaries(in: workspace, after: after, limit: limit)
            var seen: [String: Connection?] = [:]
            var items: [WorkflowListItem] = []
            for summary in summaries {
                let broken = try await brokenNodes(summary.definition, in: workspace, tx, seen: &seen).broken
                items.append(WorkflowListItem(summary: summary, triggerKind: Self.triggerConfig(summary.definition)?["kind"]?.stringValue,
                                              broken: broken))
            }
            return items
        }
    }

    /// The nodes of `definition` that cannot run as saved, each with its reason: a connection (connector or webhook
    /// signing) that is deleted or unknown, or what the validator refuses against the live connections (a removed
    /// tool, the environment guard). Also returns the live connections it looked up.
    func brokenNodes(_ definition: JSONValue, in workspace: ID<Workspace>, _ tx: any StoreTransaction) async throws
        -> (broken: [(node: String, connection: String, reason: String)], live: [String: Connection]) {
        var seen: [String: Connection?] = [:]
        return try await brokenNodes(definition, in: workspace, tx, seen: &seen)
    }

    /// `brokenNodes(_:in:_:)` remembering each connection's lookup in `seen` (one lookup per connection for a whole page).
    func brokenNodes(_ definition: JSONValue, in workspace: ID<Workspace>, _ tx: any StoreTransaction,
                     seen: inout [String: Connection?]) async throws
        -> (broken: [(node: String, connection: String, reason: String)], live: [String: Connection]) {
        var broken: [(node: String, connection: String, reason: String)] = []
        var live: [String: Connection] = [:]
        for node in definition["nodes"]?.arrayValue ?? [] {
            guard let connection = node["config"]?["connection"]?.stringValue ?? node["config"]?["signing"]?.stringValue else { continue }
            let found: Connection?
            if let known = seen[connection] { found = known } else {
                let read = try await tx.connection(ID(rawValue: connection), in: workspace)
                found = read?.deletedAt == nil ? read : nil
                seen[connection] = .some(found)
            }
            if let found { live[connection] = found } else { broken.append((node["id"]?.stringValue ?? "", connection, "connection deleted")) }
        }
        return (broken + validator.unrunnable(definition, connections: live), live)
    }
}
