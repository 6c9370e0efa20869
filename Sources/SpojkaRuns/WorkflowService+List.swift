import Foundation
import SpojkaCore

/// A workflow as the list shows it: its summary, its trigger kind and the connector nodes it can no longer resolve.
public struct WorkflowListItem: Sendable {
    /// The workflow, its current definition, author and newest run.
    public var summary: WorkflowSummary
    /// The trigger's `kind` (`manual`, `webhook`, `schedule`), when the definition has a trigger.
    public var triggerKind: String?
    /// Nodes whose connection was deleted: `(nodeId, connectionId)`.
    public var broken: [(node: String, connection: String)]
}

extension WorkflowService {
    /// A page of the workspace's workflows ordered by name, after `(name, id)`; the page is assembled by the store.
    public func list(in workspace: ID<Workspace>, after: (name: String, id: String)?, limit: Int) async throws -> [WorkflowListItem] {
        try await store.read { tx in
            let summaries = try await tx.workflowSummaries(in: workspace, after: after, limit: limit)
            var gone: [String: Bool] = [:]
            var items: [WorkflowListItem] = []
            for summary in summaries {
                let broken = try await Self.broken(summary.definition, in: workspace, tx, gone: &gone)
                items.append(WorkflowListItem(summary: summary, triggerKind: Self.triggerConfig(summary.definition)?["kind"]?.stringValue,
                                              broken: broken))
            }
            return items
        }
    }

    /// The nodes of `definition` naming a connection (connector or webhook signing) that is deleted or unknown.
    static func broken(_ definition: JSONValue, in workspace: ID<Workspace>, _ tx: any StoreTransaction) async throws -> [(node: String, connection: String)] {
        var gone: [String: Bool] = [:]
        return try await broken(definition, in: workspace, tx, gone: &gone)
    }

    /// `broken(_:in:_:)` remembering each connection's answer in `gone` (one lookup per connection for a whole page).
    static func broken(_ definition: JSONValue, in workspace: ID<Workspace>, _ tx: any StoreTransaction,
                       gone: inout [String: Bool]) async throws -> [(node: String, connection: String)] {
        var broken: [(node: String, connection: String)] = []
        for node in definition["nodes"]?.arrayValue ?? [] {
            guard let connection = node["config"]?["connection"]?.stringValue ?? node["config"]?["signing"]?.stringValue else { continue }
            let missing: Bool
            if let known = gone[connection] { missing = known } else {
                let found = try await tx.connection(ID(rawValue: connection), in: workspace)
                missing = found == nil || found?.deletedAt != nil
                gone[connection] = missing
            }
            if missing { broken.append((node["id"]?.stringValue ?? "", connection)) }
        }
        return broken
    }
}
