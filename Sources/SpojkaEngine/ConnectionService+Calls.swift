import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension ConnectionService {
    /// Calls a tool through a connection: decrypts, injects, calls, records status and `lastUsedAt`, scrubs secrets.
    public func callTool(_ tool: String, arguments: JSONValue, connection id: ID<Connection>, in workspace: ID<Workspace>,
                         connector expected: String?, by actor: String) async throws -> JSONValue {
        let connection = try await get(id, in: workspace)
        if let expected, expected != connection.connector {
            throw SpojkaError.validation([("connection", "connection \(id) belongs to connector \(connection.connector), not \(expected)")])
        }
        let manifest = try manifest(connection.connector)
        guard manifest.tool(tool) != nil else { throw SpojkaError.validation([("tool", "connector \(manifest.key) has no tool \(tool)")]) }
        let (credentials, access) = try await decrypt(connection, actor: actor, purpose: "tool_call", tool: tool)
        let scrub = Scrubber(Array(credentials.values))
        let outcome: Result<JSONValue, ToolError>
        do {
            outcome = .success(try await runtime.call(ToolCall(connector: manifest, tool: tool, arguments: arguments, credentials: credentials,
                                                               settings: connection.settings, serviceURL: connection.serviceURL)))
        } catch let error as ToolError {
            outcome = .failure(ToolError(error.code, scrub.text(error.message), details: scrub.value(.object(error.details)).objectValue ?? [:]))
        } catch {
            // Cancelled or unexpected: the decryption is still logged.
            try await store.transaction { try await $0.appendCredentialAccess(access) }
            throw error
        }
        try await recordCall(outcome, access: access, connection: id, workspace: workspace, actor: actor)
        switch outcome {
        case .success(let output): return scrub.value(output)
        case .failure(let error): throw error
        }
    }

    /// Records the decryption, status and `lastUsedAt` of a call in one transaction (one commit per call);
    /// invalid arguments say nothing about the connection's health.
    func recordCall(_ outcome: Result<JSONValue, ToolError>, access: CredentialAccess, connection id: ID<Connection>,
                    workspace: ID<Workspace>, actor: String) async throws {
        let verification: Verification?
        switch outcome {
        case .success: verification = Verification(status: .active, reason: nil, account: nil)
        case .failure(let error) where error.code == .authRejected: verification = Verification(status: .reauthorize, reason: error.message, account: nil)
        case .failure(let error) where [.serviceUnavailable, .blockedDestination].contains(error.code):
            verification = Verification(status: .error, reason: error.message, account: nil)
        case .failure: verification = nil
        }
        try await store.transaction { tx in
            try await tx.appendCredentialAccess(access)
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil else { return }
            connection.lastUsedAt = clock.now()
            if let verification { try await record(verification, on: &connection, actor: actor, verified: false, in: tx) }
            try await tx.updateConnection(connection)
        }
    }
}
