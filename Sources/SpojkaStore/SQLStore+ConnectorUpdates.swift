import Foundation
import SpojkaCore

extension SQLStore {
    /// Live connections, across every workspace, whose recorded connector version differs from the version in force
    /// (`versions`: connector key → version), in one pass: the connections a connector update must move.
    public func connectionsBehind(_ versions: [String: String]) async throws
        -> [(connection: ID<Connection>, workspace: ID<Workspace>, connector: String, version: String)] {
        guard !versions.isEmpty else { return [] }
        // The database returns only the connections behind (every start runs this), not every live connection.
        let behind = versions.map { _ in "(connector = ? AND connector_version <> ?)" }.joined(separator: " OR ")
        let binds = versions.flatMap { [SQLValue.text($0.key), .text($0.value)] }
        return try await driver.withConnection { db in
            try await db.query("""
                SELECT id, workspace_id, connector, connector_version FROM connections WHERE deleted_at IS NULL AND (\(behind)) ORDER BY id
                """, binds).map { row in
                (ID(rawValue: try row.string("id")), ID(rawValue: try row.string("workspace_id")), try row.string("connector"),
                 try row.string("connector_version"))
            }
        }
    }
}
