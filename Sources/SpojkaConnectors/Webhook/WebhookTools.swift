import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `webhook` connector's tools: `sign` computes the headers a sender must add.
enum WebhookTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        ["webhook.sign": ClosureTool { invocation in
            guard let secret = invocation.credentials["secret"] else { throw ToolError(.invalidArguments, "the connection has no secret") }
            let body = invocation.arguments["body"]?.stringValue ?? ""
            let at = invocation.arguments["timestamp"]?.doubleValue.map { Date(timeIntervalSince1970: $0) } ?? Date()
            let headers = WebhookSignature(settings: invocation.settings).sign(body: Array(body.utf8), secret: secret, now: at)
            return ["headers": .object(headers.mapValues { .string($0) })]
        }]
    }
}
