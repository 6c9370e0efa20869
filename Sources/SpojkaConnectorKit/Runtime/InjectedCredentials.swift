import Foundation
import SpojkaCore

extension ToolRuntime {
    /// Every value a call injects into its requests from the connection's credentials, as rendered: the auth rules'
    /// header values (`Bearer …`, `Basic base64(user:pass)`), their query values raw and percent-encoded as sent, and
    /// the tool's own header, query and body templates that read `credentials`. A caller scrubs these (with the raw
    /// credential values) from anything the call returns, so a service echoing a request shows no derived form.
    ///
    /// Rendering uses the request builder's own code path for the auth rules, so a value is listed exactly when and
    /// as it is sent; a rule whose `when` renders empty injects nothing. Never throws: what cannot render is not sent.
    public func injectedValues(_ call: ToolCall) -> [String] {
        guard !call.credentials.isEmpty else { return [] }
        let spec = call.connector.tool(call.tool)?.request ?? RequestSpec(method: "GET", path: "")
        let scope = HTTPToolCall(runtime: self, call: call, spec: spec).scope
        let builder = RequestBuilder(manifest: call.connector, spec: spec, scope: scope, serviceURL: "", parses: parses)
        var values: [String] = []
        var headers: [(String, String)] = [], query: [(String, String)] = []
        if (try? builder.applyCredentials(&headers, &query)) != nil {
            values += headers.map(\.1) + query.flatMap { [$0.1, FormEncoding.escape($0.1)] }
        }
        // Templates of the tool itself that place a credential (a header, a query parameter, a body field).
        var templates = Array((spec.headers ?? [:]).values)
        for value in Array((spec.query ?? [:]).values) + [spec.json, spec.form, spec.graphql?.variables].compactMap({ $0 }) {
            Self.strings(in: value, into: &templates)
        }
        for template in templates where template.contains("credentials") {
            guard let rendered = try? parses.template(template).render(scope) else { continue }
            let text = Template.text(of: rendered)
            values += [text, FormEncoding.escape(text)]
        }
        return values.filter { !$0.isEmpty }
    }

    static func strings(in value: JSONValue, into out: inout [String]) {
        switch value {
        case .string(let s): out.append(s)
        case .array(let items): for item in items { strings(in: item, into: &out) }
        case .object(let members): for member in members.values { strings(in: member, into: &out) }
        default: break
        }
    }
}

/// The connector's auth rules applied for a Swift tool that sends its own requests (a remote MCP server's client).
public struct CredentialHeaders: Sendable {
    let parses = ParseCache(limit: 1000)

    /// Creates the renderer.
    public init() {}

    /// The headers the auth rules put on a request of `invocation` (e.g. `Authorization: Bearer …`); empty without credentials.
    public func headers(_ invocation: ToolInvocation) throws -> [(String, String)] {
        guard !invocation.credentials.isEmpty else { return [] }
        let call = ToolCall(connector: invocation.connector, tool: invocation.tool.name, arguments: invocation.arguments,
                            credentials: invocation.credentials, settings: invocation.settings, serviceURL: invocation.serviceURL)
        let spec = RequestSpec(method: "POST", path: "")
        let builder = RequestBuilder(manifest: call.connector, spec: spec, scope: HTTPToolCall.scope(of: call), serviceURL: "", parses: parses)
        var headers: [(String, String)] = [], query: [(String, String)] = []
        try builder.applyCredentials(&headers, &query)
        return headers
    }
}
