import Foundation
import SpojkaCore

extension SQLStore {
    /// Live connections, across every workspace, whose recorded connector version differs from the version in force
    /// (`versions`: connector key → version), in one pass: the connections a connector update must move.
    public func connectionsBehind(_ versions: [String: String]) async throws
        -> [(connection: ID<Connection>, workspace: ID<Workspace>, connector: String, version: String)] {
        guard !versions.isEmpty else { return [] }
        return try await driver.withConnection { db in
            try await db.query("SELECT id, workspace_id, connector, connector_version FROM connections WHERE deleted_at IS NULL ORDER BY id", [])
                .compactMap { row in
                    let connector = try row.string("connector"), version = try row.string("connector_version")
                    guard let current = versions[connector], current != version else { return nil }
                    return (ID(rawValue: try row.string("id")), ID(rawValue: try row.string("workspace_id")), connector, version)
                }
        }
    }
}
