import Foundation
import SpojkaCore
import Synchronization

extension SQLStoreTransaction {
    func insertConnection(_ c: Connection, credentials: [String: [UInt8]]) async throws {
        try await db.execute("""
            INSERT INTO connections (id, workspace_id, connector, connector_version, name, service_url, settings, environment,
              status, status_reason, checked_at, last_used_at, owner_id, account, credential_fields, created_at, updated_at, deleted_at,
              handle, tool_policy, tools)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, try Self.binds(c))
        try await replaceCredentials(of: c.id, with: credentials)
    }

    func connection(_ id: ID<Connection>, in workspace: ID<Workspace>) async throws -> Connection? {
        try await db.first("SELECT * FROM connections WHERE id = ? AND workspace_id = ?", [.text(id.rawValue), .text(workspace.rawValue)])
            .map(Self.connection)
    }

    func lockConnection(_ id: ID<Connection>) async throws {
        guard db.dialect == .postgres else { return }
        try await db.execute("SELECT id FROM connections WHERE id = ? FOR UPDATE", [.text(id.rawValue)])
    }

    func connections(in workspace: ID<Workspace>, _ query: ConnectionQuery) async throws -> [Connection] {
        var sql = "SELECT * FROM connections WHERE workspace_id = ? AND deleted_at IS NULL"
        var binds: [SQLValue] = [.text(workspace.rawValue)]
        if let connector = query.connector { sql += " AND connector = ?"; binds.append(.text(connector)) }
        if let status = query.status { sql += " AND status = ?"; binds.append(.text(status.rawValue)) }
        if let environment = query.environment { sql += " AND environment = ?"; binds.append(.text(environment.rawValue)) }
        if let text = query.nameContains { sql += " AND LOWER(name) LIKE ?"; binds.append(.text("%" + Self.escapeLike(text.lowercased()) + "%")) }
        if let family = query.handleFamily {
            // Handles are slugs (letters, digits, hyphens), so `LIKE` needs no escaping beyond `escapeLike`.
            sql += " AND (handle = ? OR handle LIKE ?)"; binds += [.text(family), .text(Self.escapeLike(family) + "-%")]
        }
        if let after = query.after { sql += " AND (name > ? OR (name = ? AND id > ?))"; binds += [.text(after.name), .text(after.name), .text(after.id)] }
        sql += " ORDER BY name, id LIMIT ?"
        binds.append(.int(Int64(query.limit)))
        return try await db.query(sql, binds).map(Self.connection)
    }

    func updateConnection(_ c: Connection) async throws {
        try await db.execute("""
            UPDATE connections SET connector_version = ?, name = ?, service_url = ?, settings = ?, environment = ?, status = ?,
              status_reason = ?, checked_at = ?, last_used_at = ?, owner_id = ?, account = ?, credential_fields = ?, updated_at = ?,
              deleted_at = ?, handle = ?, tool_policy = ?, tools = ? WHERE id = ?
            """, [.text(c.connectorVersion), .text(c.name), .text(c.serviceURL), .text(StoredJSON.text(c.settings)),
                  .text(c.environment.rawValue), .text(c.status.rawValue), .text(c.statusReason), .date(c.checkedAt),
                  .date(c.lastUsedAt), .text(c.ownerID.rawValue), .text(c.account.map(StoredJSON.text)),
                  .text(StoredJSON.text(.array(c.credentialFields.map(JSONValue.string)))), .date(c.updatedAt), .date(c.deletedAt),
                  .text(c.handle), .text(try StoredCodable.text(c.toolPolicy)), .text(c.tools.map(StoredJSON.text)), .text(c.id.rawValue)])
        try await announceChange(of: c.id)
    }

    /// On PostgreSQL, tells every process (on commit, not before) that connection `id` changed, so each drops its
    /// cached copy (`PostgresDriver.connectionChanges`). `lastUsedAt` alone (`touchConnection`) is not a change.
    func announceChange(of id: ID<Connection>) async throws {
        guard db.dialect == .postgres else { return }
        try await db.execute("SELECT 1 AS sent FROM (SELECT pg_notify(?, ?)) AS notified",
                             [.text(PostgresDriver.connectionChanges), .text(id.rawValue)])
    }

    func touchConnection(_ id: ID<Connection>, at: Date) async throws -> Bool {
        !(try await db.query("""
            UPDATE connections SET last_used_at = ?, checked_at = ? WHERE id = ? AND status = 'active' AND deleted_at IS NULL RETURNING id
            """, [.date(at), .date(at), .text(id.rawValue)])).isEmpty
    }

    func sealedCredentials(of id: ID<Connection>) async throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for row in try await db.query("SELECT field, sealed FROM connection_credentials WHERE connection_id = ?", [.text(id.rawValue)]) {
            guard let bytes = Data(base64Encoded: try row.string("sealed")) else { throw StoreError(.corruptRow, "sealed credential is not base64") }
            out[try row.string("field")] = Array(bytes)
        }
        return out
    }

    func replaceCredentials(of id: ID<Connection>, with credentials: [String: [UInt8]]) async throws {
        try await db.execute("DELETE FROM connection_credentials WHERE connection_id = ?", [.text(id.rawValue)])
        for (field, sealed) in credentials.sorted(by: { $0.key < $1.key }) {
            try await db.execute("INSERT INTO connection_credentials (connection_id, field, sealed) VALUES (?, ?, ?)",
                                 [.text(id.rawValue), .text(field), .text(Data(sealed).base64EncodedString())])
        }
        try await announceChange(of: id)
    }

    func appendConnectionEvent(_ e: ConnectionEvent) async throws {
        // `seq` keeps the order of events written in the same millisecond. On PostgreSQL a row lock on the connection
        // makes concurrent writers (other processes too) take the next `seq` one after another; `NO KEY UPDATE` does not
        // conflict with the key-share locks the same transactions' foreign keys already hold (no deadlock).
        if db.dialect == .postgres {
            try await db.execute("SELECT id FROM connections WHERE id = ? FOR NO KEY UPDATE", [.text(e.connectionID.rawValue)])
        }
        try await db.execute("""
            INSERT INTO connection_events (id, connection_id, seq, at, type, actor, from_value, to_value, reason)
            SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM connection_events WHERE connection_id = ?
            """, [.text(e.id.rawValue), .text(e.connectionID.rawValue), .date(e.at), .text(e.type), .text(e.actor),
                  .text(e.from), .text(e.to), .text(e.reason), .text(e.connectionID.rawValue)])
    }

    func connectionEvents(of id: ID<Connection>) async throws -> [ConnectionEvent] {
        try await db.query("SELECT * FROM connection_events WHERE connection_id = ? ORDER BY seq", [.text(id.rawValue)]).map { row in
            ConnectionEvent(id: ID(rawValue: try row.string("id")), connectionID: id, at: try row.date("at"), type: try row.string("type"),
                            actor: try row.string("actor"), from: row.optionalString("from_value"), to: row.optionalString("to_value"),
                            reason: row.optionalString("reason"))
        }
    }

    func appendCredentialAccess(_ a: CredentialAccess) async throws {
        try await db.execute("INSERT INTO credential_access (id, connection_id, at, actor, purpose, tool) VALUES (?, ?, ?, ?, ?, ?)",
                             [.text(a.id.rawValue), .text(a.connectionID.rawValue), .date(a.at), .text(a.actor), .text(a.purpose), .text(a.tool)])
    }

    func credentialAccess(of id: ID<Connection>, limit: Int) async throws -> [CredentialAccess] {
        try await db.query("SELECT * FROM credential_access WHERE connection_id = ? ORDER BY at DESC, id DESC LIMIT ?",
                           [.text(id.rawValue), .int(Int64(limit))]).map { row in
            CredentialAccess(id: ID(rawValue: try row.string("id")), connectionID: id, at: try row.date("at"), actor: try row.string("actor"),
                             purpose: try row.string("purpose"), tool: row.optionalString("tool"))
        }
    }

    func usage(of id: ID<Connection>) async throws -> [ConnectionUsage] {
        let rows = try await db.query("""
            SELECT workflow_id, workflow_name, workflow_version, enabled FROM connection_usage WHERE connection_id = ?
            ORDER BY workflow_name, workflow_id, workflow_version
            """, [.text(id.rawValue)])
        var out: [ConnectionUsage] = []
        for row in rows {
            let workflow = try row.string("workflow_id"), version = Int(try row.int("workflow_version"))
            if out.last?.workflowID == workflow { out[out.count - 1].versions.append(version); continue }
            out.append(ConnectionUsage(workflowID: workflow, workflowName: try row.string("workflow_name"), versions: [version],
                                       enabled: try row.int("enabled") != 0))
        }
        return out
    }

    func recordUsage(workspace: ID<Workspace>, connection: String, workflowID: String, workflowName: String, version: Int, enabled: Bool) async throws {
        try await db.execute("""
            INSERT INTO connection_usage (workspace_id, connection_id, workflow_id, workflow_name, workflow_version, enabled)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (connection_id, workflow_id, workflow_version)
            DO UPDATE SET workflow_name = excluded.workflow_name, enabled = excluded.enabled
            """, [.text(workspace.rawValue), .text(connection), .text(workflowID), .text(workflowName), .int(Int64(version)), .int(enabled ? 1 : 0)])
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }

    static func binds(_ c: Connection) throws -> [SQLValue] {
        [.text(c.id.rawValue), .text(c.workspaceID.rawValue), .text(c.connector), .text(c.connectorVersion), .text(c.name),
         .text(c.serviceURL), .text(StoredJSON.text(c.settings)), .text(c.environment.rawValue), .text(c.status.rawValue),
         .text(c.statusReason), .date(c.checkedAt), .date(c.lastUsedAt), .text(c.ownerID.rawValue), .text(c.account.map(StoredJSON.text)),
         .text(StoredJSON.text(.array(c.credentialFields.map(JSONValue.string)))), .date(c.createdAt), .date(c.updatedAt), .date(c.deletedAt),
         .text(c.handle), .text(try StoredCodable.text(c.toolPolicy)), .text(c.tools.map(StoredJSON.text))]
    }

    static func connection(_ row: SQLRow) throws -> Connection {
        guard let status = Connection.Status(rawValue: try row.string("status")),
              let environment = Connection.Environment(rawValue: try row.string("environment")) else {
            throw StoreError(.corruptRow, "unknown connection status or environment")
        }
        let fields = try StoredJSON.parse(try row.string("credential_fields")).arrayValue?.compactMap(\.stringValue) ?? []
        return Connection(
            id: ID(rawValue: try row.string("id")), workspaceID: ID(rawValue: try row.string("workspace_id")),
            connector: try row.string("connector"), connectorVersion: try row.string("connector_version"), name: try row.string("name"),
            serviceURL: row.optionalString("service_url"), settings: try StoredJSON.parse(try row.string("settings")),
            environment: environment, status: status, statusReason: row.optionalString("status_reason"),
            checkedAt: row.optionalDate("checked_at"), lastUsedAt: row.optionalDate("last_used_at"),
            ownerID: ID(rawValue: try row.string("owner_id")), account: try row.optionalString("account").map(StoredJSON.parse),
            credentialFields: fields, createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            deletedAt: row.optionalDate("deleted_at"), handle: row.optionalString("handle"),
            toolPolicy: try StoredCodable.value(ToolPolicy.self, row.optionalString("tool_policy")),
            tools: try row.optionalString("tools").map(DiscoveredToolsText.parse))
    }
}

/// Parsed discovered-tool sets by their stored text: every read of a workspace's connections (each `/mcp` request)
/// would otherwise parse every remote MCP connection's tool schemas again. Bounded; the text is the key, so a
/// changed set is parsed afresh.
enum DiscoveredToolsText {
    static let cache = Mutex<[String: JSONValue]>([:])

    static func parse(_ text: String) throws -> JSONValue {
        if let hit = cache.withLock({ $0[text] }) { return hit }
        let value = try StoredJSON.parse(text)
        cache.withLock { entries in
            if entries.count >= 2000 { entries.removeAll() }
            entries[text] = value
        }
        return value
    }
}
