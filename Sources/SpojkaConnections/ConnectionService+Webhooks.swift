import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension ConnectionService {
    /// The signing scheme and secrets (current, then previous) of a `webhook` connection, with the write that logs
    /// the decryption (commit it with the run it starts, or alone).
    public func signingSecrets(_ id: ID<Connection>, in workspace: ID<Workspace>) async throws
        -> (scheme: WebhookSignature, secrets: [Secret], record: @Sendable (any StoreTransaction) async throws -> Void) {
        let resolved = try await resolve(id, in: workspace)
        let connection = resolved.connection, credentials = resolved.credentials
        guard connection.connector == "webhook" else {
            throw SpojkaError(.connectionNotFound, "Connection \(id) is not a webhook connection", details: ["connection": .string(id.rawValue)])
        }
        let access = accessRecord(id, actor: "webhook", purpose: "webhook_verify", tool: nil)
        let secrets = [credentials["secret"], credentials["previousSecret"]].compactMap { $0 }
        return (WebhookSignature(settings: connection.settings), secrets, { try await $0.appendCredentialAccess(access) })
    }
}
