import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension ConnectionService {
    /// Calls a tool through a connection: decrypts, injects, calls, records status and `lastUsedAt`, scrubs secrets.
    /// `purpose` names the path in the access log (`tool_call`, `mcp`).
    public func callTool(_ tool: String, arguments: JSONValue, connection id: ID<Connection>, in workspace: ID<Workspace>,
                         connector expected: String?, by actor: String, purpose: String = "tool_call") async throws -> JSONValue {
        let (outcome, record) = try await callToolDeferred(tool, arguments: arguments, connection: id, in: workspace, connector: expected,
                                                           by: actor, purpose: purpose)
        try await store.transaction { try await record($0) }
        return try outcome.get()
    }

    /// Calls a tool through a connection and returns the scrubbed outcome with the writes that record the call
    /// (access log, status, `lastUsedAt`), for the caller to commit with its own writes. `admit` sees the connection
    /// before anything is decrypted and may refuse the call by throwing (the workflow environment guard).
    public func callToolDeferred(_ tool: String, arguments: JSONValue, connection id: ID<Connection>, in workspace: ID<Workspace>,
                                 connector expected: String?, by actor: String, purpose: String = "tool_call",
                                 admit: @Sendable (Connection) throws -> Void = { _ in }) async throws
        -> (Result<JSONValue, ToolError>, @Sendable (any StoreTransaction) async throws -> Void) {
        // One read for the connection and its OAuth grant (most connections have none).
        let (found, grant, sealed) = try await store.read { tx in
            (try await tx.connection(id, in: workspace), try await tx.oauthGrant(of: id), try await tx.sealedCredentials(of: id))
        }
        guard let connection = found, connection.deletedAt == nil else {
            throw SpojkaError(.connectionNotFound, "Connection \(id) not found", details: ["connection": .string(id.rawValue)])
        }
        if let expected, expected != connection.connector {
            throw SpojkaError.validation([("connection", "connection \(id) belongs to connector \(connection.connector), not \(expected)")])
        }
        try admit(connection)
        let manifest = try toolSet(of: connection)
        guard manifest.tool(tool) != nil else {
            let what = manifest.discovery == nil ? "connector \(manifest.key)" : "connection \(connection.name) (its discovered tools; verify to refresh them)"
            throw SpojkaError.validation([("tool", "\(what) has no tool \(tool)")])
        }
        try ensureAllowed(tool, of: connection)
        try ensureUpToDate(connection, manifest)
        var used = grant?.tokenVersion
        if let grant, grant.tokenVersion > 0, needsRefresh(grant, stale: nil, cap: oauth.options.callRefreshMargin) {
            // Expired or about to: refresh first (single-flight); a failure shows up as the call's own 401.
            try? await refresh(id, in: workspace, stale: grant.tokenVersion, actor: actor)
            used = try await store.read { try await $0.oauthGrant(of: id) }?.tokenVersion
        }
        let unchanged = used == grant?.tokenVersion
        let current = unchanged ? connection : try await get(id, in: workspace)
        var (outcome, records) = try await attempt(tool, arguments: arguments, connection: current, sealed: unchanged ? sealed : nil,
                                                   manifest: manifest, actor: actor, purpose: purpose)
        if case .failure(let error) = outcome, error.code == .authRejected, let used {
            // A 401 on an OAuth token: refresh once and retry once.
            do {
                try await refresh(id, in: workspace, stale: used, actor: actor)
                let first = records
                let current = try await get(id, in: workspace)
                let (retried, second) = try await attempt(tool, arguments: arguments, connection: current, sealed: nil, manifest: manifest, actor: actor,
                                                          purpose: purpose)
                outcome = retried
                records = { tx in try await first(tx); try await second(tx) }
            } catch let refreshError as SpojkaError {
                // The call's status record must keep the refresh's reason (e.g. the provider's invalid_grant).
                let message = "\(error.message); the token could not be refreshed: \(refreshError.message)"
                let failure = ToolError(.authRejected, message, details: error.details)
                outcome = .failure(failure)
                records = try await recordOnly(failure, connection: connection, actor: actor, tool: tool, previous: records)
            }
        }
        return (outcome, records)
    }

    /// The writes of a first attempt whose outcome was replaced: its access record plus the final outcome's status.
    private func recordOnly(_ failure: ToolError, connection: Connection, actor: String, tool: String,
                            previous: @escaping @Sendable (any StoreTransaction) async throws -> Void) async throws
        -> @Sendable (any StoreTransaction) async throws -> Void {
        let status = recordWrites(.failure(failure), access: nil, connection: connection.id, workspace: connection.workspaceID, actor: actor)
        return { tx in try await previous(tx); try await status(tx) }
    }

    /// One decrypt-and-call; the writes record the access and the outcome.
    private func attempt(_ tool: String, arguments: JSONValue, connection: Connection, sealed: [String: [UInt8]]?, manifest: ConnectorManifest,
                         actor: String, purpose: String) async throws
        -> (Result<JSONValue, ToolError>, @Sendable (any StoreTransaction) async throws -> Void) {
        let (id, workspace) = (connection.id, connection.workspaceID)
        let (credentials, access) = try await decrypt(connection, sealed: sealed, actor: actor, purpose: purpose, tool: tool)
        let call = ToolCall(connector: manifest, tool: tool, arguments: arguments, credentials: credentials,
                            settings: connection.settings, serviceURL: connection.serviceURL)
        // Scrub the credentials as sent too (`Basic base64(user:pass)`, encoded query values), not only their raw values.
        let scrub = Scrubber(Array(credentials.values), injected: runtime.injectedValues(call))
        let outcome: Result<JSONValue, ToolError>
        do {
            let output = try await runtime.call(call)
            outcome = .success(scrub.value(output))
        } catch let error as ToolError {
            outcome = .failure(ToolError(error.code, scrub.text(error.message), details: scrub.value(.object(error.details)).objectValue ?? [:]))
        } catch {
            // Cancelled or unexpected: the decryption is still logged.
            try await store.transaction { try await $0.appendCredentialAccess(access) }
            throw error
        }
        return (outcome, recordWrites(outcome, access: access, connection: id, workspace: workspace, actor: actor))
    }

    /// Calls a tool that needs no connection (utilities, and the generic HTTP connector without credentials).
    public func callWithoutConnection(_ tool: String, arguments: JSONValue, connector: String) async throws -> JSONValue {
        guard let manifest = catalog.connector(connector) else { throw SpojkaError.validation([("connector", "no connector has the key \(connector)")]) }
        guard manifest.isUtility || manifest.key == "http" else {
            throw SpojkaError.validation([("connection", "connector \(connector) needs a connection")])
        }
        return try await runtime.call(ToolCall(connector: manifest, tool: tool, arguments: arguments))
    }

    /// The writes recording a call's decryption, status and `lastUsedAt`;
    /// invalid arguments say nothing about the connection's health.
    func recordWrites(_ outcome: Result<JSONValue, ToolError>, access: CredentialAccess?, connection id: ID<Connection>,
                      workspace: ID<Workspace>, actor: String) -> @Sendable (any StoreTransaction) async throws -> Void {
        let verification: Verification?
        switch outcome {
        case .success: verification = Verification(status: .active, reason: nil, account: nil)
        case .failure(let error) where error.code == .authRejected: verification = Verification(status: .reauthorize, reason: error.message, account: nil)
        case .failure(let error) where [.serviceUnavailable, .blockedDestination].contains(error.code):
            verification = Verification(status: .error, reason: error.message, account: nil)
        case .failure: verification = nil
        }
        let now = clock.now()
        let succeeded = if case .success = outcome { true } else { false }
        return { tx in
            if let access { try await tx.appendCredentialAccess(access) }
            // The common case, a success on an active connection, is one statement.
            if succeeded, try await tx.touchConnection(id, at: now) { return }
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil else { return }
            connection.lastUsedAt = now
            if let verification { try await record(verification, on: &connection, actor: actor, verified: false, in: tx) }
            try await tx.updateConnection(connection)
        }
    }
}
