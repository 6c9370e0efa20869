import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func setting(_ key: String) async throws -> String? {
        try await db.first("SELECT value FROM settings WHERE key = ?", [.text(key)])?.optionalString("value")
    }

    func setSetting(_ key: String, _ value: String) async throws {
        try await db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                             [.text(key), .text(value)])
    }

    func insertDataKey(_ key: WrappedDataKey) async throws {
        try await db.execute("INSERT INTO data_keys (key_id, workspace_id, wrapped, created_at) VALUES (?, ?, ?, ?)",
                             [.text(key.keyID), .text(key.workspaceID.rawValue), .text(Data(key.wrapped).base64EncodedString()),
                              .date(key.createdAt)])
    }

    func dataKey(of workspace: ID<Workspace>) async throws -> WrappedDataKey? {
        try await db.first("SELECT * FROM data_keys WHERE workspace_id = ?", [.text(workspace.rawValue)]).map(Self.dataKey)
    }

    func dataKey(id: String) async throws -> WrappedDataKey? {
        try await db.first("SELECT * FROM data_keys WHERE key_id = ?", [.text(id)]).map(Self.dataKey)
    }

    func allDataKeys() async throws -> [WrappedDataKey] {
        try await db.query("SELECT * FROM data_keys ORDER BY key_id", []).map(Self.dataKey)
    }

    func updateDataKey(_ key: WrappedDataKey) async throws {
        try await db.execute("UPDATE data_keys SET wrapped = ? WHERE key_id = ?",
                             [.text(Data(key.wrapped).base64EncodedString()), .text(key.keyID)])
    }

    static func dataKey(_ row: SQLRow) throws -> WrappedDataKey {
        guard let wrapped = Data(base64Encoded: try row.string("wrapped")) else {
            throw StoreError(.corruptRow, "data key is not base64")
        }
        return WrappedDataKey(keyID: try row.string("key_id"), workspaceID: ID(rawValue: try row.string("workspace_id")),
                              wrapped: Array(wrapped), createdAt: try row.date("created_at"))
    }
}
