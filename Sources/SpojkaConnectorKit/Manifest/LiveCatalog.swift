import Foundation
import SpojkaCore
import Synchronization

/// The catalog in force: an immutable ``Catalog`` snapshot that a reload swaps whole. Readers take the snapshot once
/// per operation (``current``) and keep it, so one request or call never sees two versions of a connector.
public final class LiveCatalog: Sendable {
    /// One state of the catalog.
    public struct Snapshot: Sendable {
        /// The connectors in force.
        public var catalog: Catalog
        /// Keys of the connectors that came from the operator's folder (`SPOJKA_CONNECTORS_DIR`).
        public var folderKeys: Set<String>
        /// Manifests of the folder refused at the last load, each naming its file and JSON path.
        public var refused: [ManifestIssue]

        /// Creates a snapshot.
        public init(catalog: Catalog, folderKeys: Set<String> = [], refused: [ManifestIssue] = []) {
            self.catalog = catalog; self.folderKeys = folderKeys; self.refused = refused
        }
    }

    private let state: Mutex<Snapshot>

    /// Starts with `catalog` (built-ins only, or already merged with a folder).
    public init(_ snapshot: Snapshot) { state = Mutex(snapshot) }

    /// Starts with `catalog` and no folder.
    public convenience init(_ catalog: Catalog) { self.init(Snapshot(catalog: catalog)) }

    /// The catalog in force now.
    public var current: Catalog { state.withLock { $0.catalog } }

    /// The whole state in force now.
    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Puts `next` in force; returns the state it replaced.
    @discardableResult
    public func replace(with next: Snapshot) -> Snapshot {
        state.withLock { current in
            let previous = current
            current = next
            return previous
        }
    }
}

/// What a new version of a connector asks of an existing connection, computed from the manifest and the connection alone
/// (so it also holds after a restart, when the previous manifest is gone).
public enum ConnectorUpdate {
    /// Required credential fields (by the manifest's `auth.fields`) the connection has no value for.
    public static func missingCredentials(_ manifest: ConnectorManifest, have fields: [String]) -> [String] {
        guard manifest.auth.type != .oauth2 else { return [] }  // OAuth connections hold tokens, not these fields
        let required = (manifest.auth.fields?["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        return required.filter { !fields.contains($0) }
    }

    /// Required settings (by the manifest's `settings` schema) the connection has no value for.
    public static func missingSettings(_ manifest: ConnectorManifest, have settings: JSONValue) -> [String] {
        let required = (manifest.settings?["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        return required.filter { settings[$0] == nil || settings[$0] == .null }
    }

    /// One line describing the change from `old` (when known) to `new`: added and removed tools, the changelog entry.
    public static func summary(from old: ConnectorManifest?, to new: ConnectorManifest) -> String {
        var parts: [String] = []
        if let old {
            let before = Set(old.tools.map(\.name)), after = Set(new.tools.map(\.name))
            if !after.subtracting(before).isEmpty { parts.append("added tools: " + after.subtracting(before).sorted().joined(separator: ", ")) }
            if !before.subtracting(after).isEmpty { parts.append("removed tools: " + before.subtracting(after).sorted().joined(separator: ", ")) }
        }
        if let entry = new.changelog?.first(where: { $0.version == new.version }), !entry.changes.isEmpty {
            parts.append("changelog: " + entry.changes.joined(separator: "; "))
        }
        return parts.isEmpty ? "connector \(new.key) is now version \(new.version)" : parts.joined(separator: "; ")
    }
}
