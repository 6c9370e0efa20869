import Foundation
import SpojkaCore

/// One call of a declarative HTTP tool: build, send (with pagination), classify, select the output.
struct HTTPToolCall: Sendable {
    let runtime: ToolRuntime
    let call: ToolCall
    let spec: RequestSpec

    var scope: JSONValue { Self.scope(of: call) }

    /// What a call's templates read: its `arguments`, its `settings` (with the schema's defaults) and its `credentials`.
    static func scope(of call: ToolCall) -> JSONValue {
        .object([
            "arguments": call.arguments,
            "settings": Self.withDefaults(call.settings, schema: call.connector.settings),
            "credentials": .object(call.credentials.mapValues { .string($0.reveal()) }),
        ])
    }

    func run() async throws -> JSONValue {
        let serviceURL = try ServiceURL.resolve(call.connector, settings: Self.withDefaults(call.settings, schema: call.connector.settings), override: call.serviceURL)
        let builder = RequestBuilder(manifest: call.connector, spec: spec, scope: scope, serviceURL: serviceURL, parses: runtime.parses)
        guard let pagination = spec.pagination else {
            return try select(try await exchange(try builder.build()))
        }
        return try await paginate(builder, pagination)
    }

    /// Sends one request and returns `{status, headers, body}` of a successful answer, or throws a classified error.
    func exchange(_ request: OutboundRequest) async throws -> JSONValue {
        let response = try await runtime.send(request)
        let body = try Self.parseBody(response.body)
        let message = Self.serviceMessage(body)
        switch response.status {
        case 200...399:
            try checkEmbeddedError(body)
            var headers: [String: JSONValue] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = .string(value) }
            return .object(["status": .int(response.status), "headers": .object(headers), "body": body])
        case 401, 403:
            throw ToolError(.authRejected, "The service rejected the credential (HTTP \(response.status))" + (message.map { ": \($0)" } ?? ""),
                            details: ["status": .int(response.status)])
        case 429, 500...599:
            throw ToolError(.serviceUnavailable, "The service is unavailable (HTTP \(response.status))" + (message.map { ": \($0)" } ?? ""),
                            details: ["status": .int(response.status)])
        default:
            throw ToolError(.toolError, message ?? "The service answered HTTP \(response.status)", details: ["status": .int(response.status)])
        }
    }

    func checkEmbeddedError(_ body: JSONValue) throws {
        guard let errors = call.connector.errors, Self.truthy(try search(errors.when, body)) else { return }
        let message = try errors.message.map { Template.text(of: try search($0, body)) } ?? "The service reported an error"
        if let auth = errors.authRejected, Self.truthy(try search(auth, body)) {
            throw ToolError(.authRejected, "The service rejected the credential: \(message)")
        }
        throw ToolError(.toolError, message)
    }

    func select(_ exchange: JSONValue) throws -> JSONValue {
        guard let output = spec.output else { return exchange["body"] ?? .null }
        return try search(output, exchange)
    }

    func paginate(_ builder: RequestBuilder, _ pagination: PaginationSpec) async throws -> JSONValue {
        var items: [JSONValue] = []
        var extra: [(String, String)] = []
        var request = try builder.build()
        var last = JSONValue.null
        for page in 1...(pagination.maxPages ?? 10) {
            last = try await exchange(request)
            let body = last["body"] ?? .null
            items += (try pagination.items.map { try search($0, body) } ?? body).arrayValue ?? []
            switch pagination.style {
            case "cursor":
                guard let next = try pagination.next.map({ try search($0, body) }), next != .null, let param = pagination.param else { break }
                extra = [(param, Template.text(of: next))]
                request = try builder.build(extraQuery: extra)
                continue
            case "page":
                guard (try pagination.items.map { try search($0, body) } ?? body).arrayValue?.isEmpty == false, let param = pagination.param else { break }
                request = try builder.build(extraQuery: [(param, String(page + 1))])
                continue
            case "link":
                // Follow only links on the same origin: credentials never go to another host.
                guard let next = LinkHeader.next(last["headers"]?["link"]?.stringValue),
                      Self.sameOrigin(next, request.url) else { break }
                request.url = next
                continue
            default: break
            }
            break
        }
        return .object(["items": .array(items), "count": .int(items.count)])
    }

    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = URL(string: a), let y = URL(string: b) else { return false }
        return x.scheme == y.scheme && x.host == y.host && x.port == y.port
    }

    func search(_ expression: String, _ value: JSONValue) throws -> JSONValue {
        do { return try runtime.parses.expression(expression).search(value) } catch {
            throw ToolError(.toolError, "The connector's expression \(expression) failed: \(error)")
        }
    }

    /// Settings with the top-level `default`s of the connector's settings schema filled in.
    static func withDefaults(_ settings: JSONValue, schema: JSONValue?) -> JSONValue {
        guard var members = settings.objectValue, let properties = schema?["properties"]?.objectValue else { return settings }
        for (name, property) in properties where members[name] == nil {
            if let value = property["default"] { members[name] = value }
        }
        return .object(members)
    }

    static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool(false): false
        case .string(let s): !s.isEmpty
        case .array(let a): !a.isEmpty
        case .object(let o): !o.isEmpty
        default: true
        }
    }

    /// The response body as JSON, else as text; JSON nested deeper than the input limit is refused (`invalid_output`).
    static func parseBody(_ bytes: [UInt8]) throws -> JSONValue {
        guard !bytes.isEmpty else { return .null }
        do { return try JSONValue(parsing: bytes) } catch {
            if error.kind == .tooDeep {
                throw ToolError(.invalidOutput, "The service's answer nests arrays and objects deeper than \(JSONValue.maxInputDepth) levels",
                                details: ["maxDepth": .int(JSONValue.maxInputDepth)])
            }
        }
        return .string(String(decoding: bytes.prefix(1 << 20), as: UTF8.self))
    }

    /// The service's own error message from common shapes.
    static func serviceMessage(_ body: JSONValue) -> String? {
        let candidates = [body["error"]?["message"], body["message"], body["error_description"], body["error"], body["errors"]?[0]?["message"],
                          body["errors"], body["detail"]]
        for case .string(let text)? in candidates where !text.isEmpty { return String(text.prefix(500)) }
        if case .string(let text) = body, !text.isEmpty { return String(text.prefix(200)) }
        return nil
    }
}

/// RFC 8288 `Link` header parsing.
enum LinkHeader {
    /// The URL with `rel="next"`, if any.
    static func next(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = pieces.first, first.hasPrefix("<"), first.hasSuffix(">"),
                  pieces.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" }) else { continue }
            return String(first.dropFirst().dropLast())
        }
        return nil
    }
}
