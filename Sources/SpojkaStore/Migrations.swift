import SpojkaCore
import Foundation

/// One named, append-only schema change. Never edit or reorder a shipped migration: add a new one.
public struct Migration: Sendable {
    /// Unique name, ordered by its numeric prefix.
    public let name: String
    /// Statements, run in order in one transaction.
    public let statements: [String]

    /// Creates a migration.
    public init(name: String, statements: [String]) {
        self.name = name
        self.statements = statements
    }
}

/// Every migration, oldest first.
public enum Migrations {
    /// The full list applied by `spojka serve` and `spojka migrate`.
    public static let all: [Migration] = [
        Migration(name: "0001_identity", statements: [
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
              password_hash TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)",
            """
            CREATE TABLE memberships (
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
              role TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, user_id))
            """,
            "CREATE INDEX memberships_user ON memberships(user_id)",
            """
            CREATE TABLE api_tokens (id TEXT PRIMARY KEY,
              user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
              name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL,
              expires_at BIGINT, revoked_at BIGINT, last_used_at BIGINT)
            """,
            "CREATE INDEX api_tokens_user ON api_tokens(user_id)",
            """
            CREATE TABLE invitations (id TEXT PRIMARY KEY,
              user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              hash TEXT NOT NULL UNIQUE, expires_at BIGINT NOT NULL, accepted_at BIGINT)
            """,
            """
            CREATE TABLE audit_events (id TEXT PRIMARY KEY, workspace_id TEXT, at BIGINT NOT NULL,
              actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL, details TEXT NOT NULL)
            """,
            "CREATE INDEX audit_events_ws_at ON audit_events(workspace_id, at, id)",
            """
            CREATE TABLE data_keys (key_id TEXT PRIMARY KEY,
              workspace_id TEXT NOT NULL UNIQUE REFERENCES workspaces(id) ON DELETE CASCADE,
              wrapped TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
        ]),
        Migration(name: "0002_connections", statements: [
            """
            CREATE TABLE connections (id TEXT PRIMARY KEY,
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              connector TEXT NOT NULL, connector_version TEXT NOT NULL, name TEXT NOT NULL, service_url TEXT,
              settings TEXT NOT NULL, environment TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT,
              checked_at BIGINT, last_used_at BIGINT, owner_id TEXT NOT NULL, account TEXT, credential_fields TEXT NOT NULL,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, deleted_at BIGINT)
            """,
            "CREATE INDEX connections_ws_name ON connections(workspace_id, name, id)",
            """
            CREATE TABLE connection_credentials (
              connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
              field TEXT NOT NULL, sealed TEXT NOT NULL, PRIMARY KEY (connection_id, field))
            """,
            """
            CREATE TABLE connection_events (id TEXT PRIMARY KEY,
              connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
              seq BIGINT NOT NULL, at BIGINT NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL,
              from_value TEXT, to_value TEXT, reason TEXT)
            """,
            "CREATE UNIQUE INDEX connection_events_conn ON connection_events(connection_id, seq)",
            """
            CREATE TABLE credential_access (id TEXT PRIMARY KEY,
              connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
              at BIGINT NOT NULL, actor TEXT NOT NULL, purpose TEXT NOT NULL, tool TEXT)
            """,
            "CREATE INDEX credential_access_conn ON credential_access(connection_id, at)",
            """
            CREATE TABLE connection_usage (
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              connection_id TEXT NOT NULL, workflow_id TEXT NOT NULL, workflow_name TEXT NOT NULL,
              workflow_version BIGINT NOT NULL, enabled BIGINT NOT NULL,
              PRIMARY KEY (connection_id, workflow_id, workflow_version))
            """,
        ]),
        Migration(name: "0003_workflows", statements: [
            """
            CREATE TABLE workflows (id TEXT PRIMARY KEY,
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              name TEXT NOT NULL, enabled BIGINT NOT NULL, current_version BIGINT NOT NULL,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX workflows_ws_name ON workflows(workspace_id, name)",
            """
            CREATE TABLE workflow_versions (
              workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
              version BIGINT NOT NULL, definition TEXT NOT NULL, saved_at BIGINT NOT NULL, saved_by TEXT NOT NULL,
              PRIMARY KEY (workflow_id, version))
            """,
        ]),
        Migration(name: "0004_runs", statements: [
            """
            CREATE TABLE runs (id TEXT PRIMARY KEY,
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              workflow_id TEXT NOT NULL, version BIGINT NOT NULL, status TEXT NOT NULL, trigger_kind TEXT NOT NULL,
              input TEXT NOT NULL, output TEXT, error TEXT, started_by TEXT, parent_run_id TEXT, parent_step TEXT,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, finished_at BIGINT, deadline BIGINT,
              lease_owner TEXT, lease_until BIGINT)
            """,
            "CREATE INDEX runs_ws_created ON runs(workspace_id, created_at, id)",
            "CREATE INDEX runs_status_lease ON runs(status, lease_until)",
            "CREATE UNIQUE INDEX runs_parent ON runs(parent_run_id, parent_step)",
            """
            CREATE TABLE run_steps (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
              step_key TEXT NOT NULL, seq BIGINT NOT NULL, node_id TEXT NOT NULL, node_type TEXT NOT NULL, status TEXT NOT NULL,
              attempt BIGINT NOT NULL, started_at BIGINT NOT NULL, finished_at BIGINT, input TEXT, output TEXT, error TEXT,
              connection_id TEXT, deadline BIGINT, PRIMARY KEY (run_id, step_key))
            """,
            "CREATE INDEX run_steps_waiting ON run_steps(status, deadline)",
            """
            CREATE TABLE webhooks (hook_id TEXT PRIMARY KEY,
              workflow_id TEXT NOT NULL UNIQUE REFERENCES workflows(id) ON DELETE CASCADE, workspace_id TEXT NOT NULL)
            """,
            """
            CREATE TABLE schedules (workflow_id TEXT PRIMARY KEY REFERENCES workflows(id) ON DELETE CASCADE,
              workspace_id TEXT NOT NULL, cron TEXT NOT NULL, timezone TEXT NOT NULL, catch_up BIGINT NOT NULL,
              enabled BIGINT NOT NULL, last_slot BIGINT NOT NULL)
            """,
        ]),
        Migration(name: "0005_oauth", statements: [
            """
            CREATE TABLE oauth_apps (id TEXT PRIMARY KEY,
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              connector TEXT NOT NULL, name TEXT NOT NULL, client_id TEXT NOT NULL, client_secret TEXT NOT NULL, scopes TEXT NOT NULL,
              authorization_url TEXT, token_url TEXT, userinfo_url TEXT, extra_params TEXT NOT NULL,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE oauth_states (hash TEXT PRIMARY KEY,
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              connection_id TEXT NOT NULL, user_id TEXT NOT NULL, app_id TEXT NOT NULL, verifier TEXT NOT NULL,
              allow_account_change BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)
            """,
            """
            CREATE TABLE oauth_grants (connection_id TEXT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
              workspace_id TEXT NOT NULL, app_id TEXT NOT NULL, grant_type TEXT NOT NULL, expires_at BIGINT,
              token_version BIGINT NOT NULL, authorizer_id TEXT, refresh_failures BIGINT NOT NULL)
            """,
            "CREATE INDEX oauth_grants_expiry ON oauth_grants(expires_at)",
            "CREATE TABLE oauth_refresh_leases (connection_id TEXT PRIMARY KEY, owner TEXT NOT NULL, until_at BIGINT NOT NULL)",
        ]),
        // Invitations name an email and a role, never an account: accepting one grants its own workspace only.
        Migration(name: "0006_workspace_invitations", statements: [
            """
            CREATE TABLE workspace_invitations (id TEXT PRIMARY KEY,
              workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              email TEXT NOT NULL, role TEXT NOT NULL, invited_by TEXT, hash TEXT NOT NULL UNIQUE,
              created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, accepted_at BIGINT, revoked_at BIGINT)
            """,
            "CREATE INDEX workspace_invitations_ws_email ON workspace_invitations(workspace_id, email)",
            // Old invitations carry over (same token hash) with the role of the membership they came with.
            """
            INSERT INTO workspace_invitations (id, workspace_id, email, role, invited_by, hash, created_at, expires_at, accepted_at, revoked_at)
              SELECT i.id, i.workspace_id, u.email, COALESCE(m.role, 'member'), NULL, i.hash, i.expires_at - 604800000,
                     i.expires_at, i.accepted_at, NULL
              FROM invitations i JOIN users u ON u.id = i.user_id
              LEFT JOIN memberships m ON m.workspace_id = i.workspace_id AND m.user_id = i.user_id
            """,
            // Accounts made for an invitation and never signed in are not accounts yet: they join when they accept.
            """
            DELETE FROM memberships WHERE user_id IN (SELECT u.id FROM users u WHERE u.password_hash IS NULL
              AND NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.user_id = u.id)
              AND EXISTS (SELECT 1 FROM invitations i WHERE i.user_id = u.id))
            """,
            """
            DELETE FROM users WHERE password_hash IS NULL
              AND NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.user_id = users.id)
              AND EXISTS (SELECT 1 FROM invitations i WHERE i.user_id = users.id)
            """,
            "DROP TABLE invitations",
        ]),
        // MCP: connections get a stable handle (existing ones `conn-` plus part of their ID; change it with PATCH),
        // and a tool policy; API tokens get an optional scope (JSON).
        Migration(name: "0008_connection_handles_and_token_scopes", statements: [
            "ALTER TABLE connections ADD COLUMN handle TEXT",
            "ALTER TABLE connections ADD COLUMN tool_policy TEXT",
            "UPDATE connections SET handle = 'conn-' || substr(id, 6, 10) WHERE handle IS NULL",
            "CREATE UNIQUE INDEX connections_ws_handle ON connections(workspace_id, handle) WHERE deleted_at IS NULL",
            "ALTER TABLE api_tokens ADD COLUMN scope TEXT",
        ]),
        // An OAuth token's issue time, so that the refresh margin can be a fraction of its lifetime.
        Migration(name: "0011_oauth_grant_issued_at", statements: [
            "ALTER TABLE oauth_grants ADD COLUMN issued_at BIGINT",
        ]),
        // Remote MCP servers as connectors: the tools a connection discovered at its last verification (JSON).
        Migration(name: "0012_connection_discovered_tools", statements: [
            "ALTER TABLE connections ADD COLUMN tools TEXT",
        ]),
        // The console's lists: a workflow's newest run, and runs filtered by trigger.
        Migration(name: "0013_run_overview_indexes", statements: [
            "CREATE INDEX runs_workflow_created ON runs(workflow_id, created_at, id)",
        ]),
    ]
}

/// Applies pending migrations and reports whether a database is current.
public struct Migrator: Sendable {
    let driver: any SQLDriver
    let migrations: [Migration]

    /// Creates a migrator for `driver` (the full list by default).
    public init(driver: any SQLDriver, migrations: [Migration] = Migrations.all) {
        self.driver = driver
        self.migrations = migrations
    }

    /// Applies every pending migration in one transaction; returns the names applied.
    ///
    /// On PostgreSQL an advisory lock makes concurrent starters wait for each other.
    @discardableResult
    public func migrate(now: Date = Date()) async throws -> [String] {
        let migrations = self.migrations
        return try await driver.transaction { db in
            if db.dialect == .postgres { try await db.execute("SELECT pg_advisory_xact_lock(7312001)") }
            try await db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let applied = Set(try await db.query("SELECT name FROM schema_migrations", []).compactMap { $0["name"]?.text })
            let known = Set(migrations.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw StoreError(.migration, "the database has migration \(unknown), which this version of Spojka does not know; upgrade Spojka")
            }
            var done: [String] = []
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try await db.execute(statement) }
                try await db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                                     [.text(migration.name), .int(now.millis)])
                done.append(migration.name)
            }
            return done
        }
    }

    /// Whether every known migration is applied.
    public func isCurrent() async throws -> Bool {
        let count = migrations.count
        return try await driver.withConnection { db in
            let rows = try await db.query("SELECT name FROM schema_migrations", [])
            return rows.count == count
        }
    }
}

extension Date {
    /// Milliseconds since 1970, the storage format of every timestamp.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The instant `millis` milliseconds after 1970.
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
