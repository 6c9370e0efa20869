import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension ConnectionService {
    /// Calls a tool through a connection: decrypts, injects, calls, records status and `lastUsedAt`, scrubs secrets.
    /// `purpose` names the path in the access log (`tool_call`, `mcp`). A success on an active connection records
    /// off the caller's path (group commit); an outcome that changes the status commits before the call returns.
    public func callTool(_ tool: String, arguments: JSONValue, connection id: ID<Connection>, in workspace: ID<Workspace>,
                         connector expected: String?, by actor: String, purpose: String = "tool_call") async throws -> JSONValue {
        let called = try await call(tool, arguments: arguments, connection: id, in: workspace, connector: expected, by: actor, purpose: purpose)
        if !called.routine || !ledger.enqueue(called.records) {
            try await store.transaction { try await called.records($0) }
        }
        return try called.outcome.get()
    }

    /// Calls a tool through a connection and returns the scrubbed outcome with the writes that record the call
    /// (access log, status, `lastUsedAt`), for the caller to commit with its own writes. `admit` sees the connection
    /// before anything is decrypted and may refuse the call by throwing (the workflow environment guard).
    public func callToolDeferred(_ tool: String, arguments: JSONValue, connection id: ID<Connection>, in workspace: ID<Workspace>,
                                 connector expected: String?, by actor: String, purpose: String = "tool_call",
                                 admit: @Sendable (Connection) throws -> Void = { _ in }) async throws
        -> (Result<JSONValue, ToolError>, @Sendable (any StoreTransaction) async throws -> Void) {
        let called = try await call(tool, arguments: arguments, connection: id, in: workspace, connector: expected, by: actor, purpose: purpose,
                                    admit: admit)
        return (called.outcome, called.records)
    }

    /// Waits until the bookkeeping of finished calls is committed (reads of the access log and `lastUsedAt`, shutdown).
    public func flushBookkeeping() async { await ledger.flush() }

    /// A call's outcome, its writes, and whether they are routine (a success on an active connection: no status change).
    struct Called {
        var outcome: Result<JSONValue, ToolError>
        var records: @Sendable (any StoreTransaction) async throws -> Void
        var routine: Bool
    }

    func call(_ tool: String, arguments: JSONValue, connection id: ID<Connection>, in workspace: ID<Workspace>,
              connector expected: String?, by actor: String, purpose: String,
              admit: @Sendable (Connection) throws -> Void = { _ in }) async throws -> Called {
        // Cached: no store read and no decryption (see `ConnectionCache`).
        var resolved = try await resolve(id, in: workspace)
        let connection = resolved.connection
        if let expected, expected != connection.connector {
            throw SpojkaError.validation([("connection", "connection \(id) belongs to connector \(connection.connector), not \(expected)")])
        }
        try admit(connection)
        let manifest = try toolSet(of: connection)
        guard manifest.tool(tool) != nil else {
            let what = manifest.discovery == nil ? "connector \(manifest.key)" : "connection \(connection.name) (its discovered tools; verify to refresh them)"
            throw SpojkaError.validation([("tool", "\(what) has no tool \(tool)")])
        }
        try ensureAllowed(tool, of: connection, tools: manifest)
        try ensureUpToDate(connection, manifest)
        if let grant = resolved.grant, grant.tokenVersion > 0, needsRefresh(grant, stale: nil, cap: oauth.options.callRefreshMargin) {
            // Expired or about to: refresh first (single-flight); a failure shows up as the call's own 401.
            try? await refresh(id, in: workspace, stale: grant.tokenVersion, actor: actor)
            resolved = try await resolve(id, in: workspace, fresh: true)
        }
        var (outcome, access) = try await attempt(tool, arguments: arguments, resolved, manifest: manifest, actor: actor, purpose: purpose)
        var accesses = [access]
        if case .failure(let error) = outcome, error.code == .authRejected, resolved.cached {
            // A rotation or refresh elsewhere whose notification is late: re-read once before believing the 401.
            let fresh = try await resolve(id, in: workspace, fresh: true)
            if fresh.credentials != resolved.credentials || fresh.grant?.tokenVersion != resolved.grant?.tokenVersion
                || fresh.connection.updatedAt != resolved.connection.updatedAt {
                resolved = fresh
                (outcome, access) = try await attempt(tool, arguments: arguments, resolved, manifest: manifest, actor: actor, purpose: purpose)
                accesses.append(access)
            }
        }
        if case .failure(let error) = outcome, error.code == .authRejected, let used = resolved.grant?.tokenVersion {
            // A 401 on an OAuth token: refresh once and retry once.
            do {
                try await refresh(id, in: workspace, stale: used, actor: actor)
                resolved = try await resolve(id, in: workspace, fresh: true)
                (outcome, access) = try await attempt(tool, arguments: arguments, resolved, manifest: manifest, actor: actor, purpose: purpose)
                accesses.append(access)
            } catch let refreshError as SpojkaError {
                // The call's status record must keep the refresh's reason (e.g. the provider's invalid_grant).
                let message = "\(error.message); the token could not be refreshed: \(refreshError.message)"
                outcome = .failure(ToolError(.authRejected, message, details: error.details))
            }
        }
        let succeeded = if case .success = outcome { true } else { false }
        return Called(outcome: outcome, records: recordWrites(outcome, accesses: accesses, connection: id, workspace: workspace, actor: actor),
                      routine: succeeded && resolved.connection.status == .active)
    }

    /// One call with resolved credentials; returns the scrubbed outcome and the access record to append.
    private func attempt(_ tool: String, arguments: JSONValue, _ resolved: Resolved, manifest: ConnectorManifest,
                         actor: String, purpose: String) async throws -> (Result<JSONValue, ToolError>, CredentialAccess) {
        let connection = resolved.connection, credentials = resolved.credentials
        let access = accessRecord(connection.id, actor: actor, purpose: purpose, tool: tool)
        let call = ToolCall(connector: manifest, tool: tool, arguments: arguments, credentials: credentials,
                            settings: connection.settings, serviceURL: connection.serviceURL)
        // Scrub the credentials as sent too (`Basic base64(user:pass)`, encoded query values), not only their raw values.
        let scrub = Scrubber(Array(credentials.values), injected: runtime.injectedValues(call))
        do {
            let output = try await runtime.call(call)
            return (.success(scrub.value(output)), access)
        } catch let error as ToolError {
            return (.failure(ToolError(error.code, scrub.text(error.message), details: scrub.value(.object(error.details)).objectValue ?? [:])), access)
        } catch {
            // Cancelled or unexpected: the decryption is still logged.
            try await store.transaction { try await $0.appendCredentialAccess(access) }
            throw error
        }
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
    func recordWrites(_ outcome: Result<JSONValue, ToolError>, accesses: [CredentialAccess], connection id: ID<Connection>,
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
            for access in accesses { try await tx.appendCredentialAccess(access) }
            // The common case, a success on an active connection, is one statement.
            if succeeded, try await tx.touchConnection(id, at: now) { return }
            // The status may change: the cached record must not keep the old one (status never changes a call).
            cache.invalidate(id)
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil else { return }
            connection.lastUsedAt = now
            if let verification { try await record(verification, on: &connection, actor: actor, verified: false, in: tx) }
            try await tx.updateConnection(connection)
        }
    }
}
