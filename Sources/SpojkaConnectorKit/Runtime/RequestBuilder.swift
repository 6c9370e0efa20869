import Foundation
import SpojkaCore

/// Builds the HTTP request of a declarative tool from its manifest and the call's scope.
struct RequestBuilder: Sendable {
    let manifest: ConnectorManifest
    let spec: RequestSpec
    /// `{arguments, credentials, settings}`; credentials are revealed only inside this value.
    var scope: JSONValue
    let serviceURL: String
    let parses: ParseCache
    /// Set for a request to another origin when the connector sends those without credentials.
    var omitsCredentials = false

    func build(extraQuery: [(String, String)] = []) throws -> OutboundRequest {
        let path = try renderPath(spec.path)
        var url = try absoluteURL(path)
        var query = try renderQuery()
        // A page cursor replaces a parameter of the same name the caller gave.
        query.removeAll { pair in extraQuery.contains { $0.0 == pair.0 } }
        query += extraQuery
        var headers: [(String, String)] = [("Accept", "application/json"), ("User-Agent", "Spojka/1.0")]
        for (name, template) in (spec.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard !FramingHeaders.isFraming(name) else { throw ToolError(.toolError, "the connector sets the framing header \(name)") }
            headers.removeAll { $0.0.lowercased() == name.lowercased() }
            headers.append((name, try text(template)))
        }
        if let from = spec.headersFrom, case .object(let extra) = try parses.template(from).render(scope) {
            for (name, value) in extra.sorted(by: { $0.key < $1.key }) where value != .null {
                guard Self.isToken(name) else { throw ToolError(.invalidArguments, "header name \(name) is not valid") }
                guard !FramingHeaders.isFraming(name) else { throw ToolError(.invalidArguments, "header \(name) cannot be set: Spojka sets it") }
                headers.append((name, Template.text(of: value)))
            }
        }
        var credentials: CarriedCredentials?
        if !omitsCredentials {
            credentials = try injectCredentials(&headers, &query)
            if credentials != nil, let refusal = originRefusal(url) {
                guard manifest.auth.crossOrigin == .omitCredentials else {
                    throw ToolError(.blockedDestination, refusal, details: ["reason": "credential_origin_mismatch"])
                }
                var plain = self
                plain.omitsCredentials = true
                plain.scope = Self.withoutCredentials(scope)
                return try plain.build(extraQuery: extraQuery)
            }
        }
        var body: [UInt8]?
        if let json = spec.json {
            body = Array(CompactJSON.text(Self.droppingNulls(try parses.renderDeep(json, scope))).utf8)
            headers.append(("Content-Type", "application/json"))
        } else if let form = spec.form {
            body = Array(FormEncoding.encode(Self.droppingNulls(try parses.renderDeep(form, scope))).utf8)
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        } else if let graphql = spec.graphql {
            let variables = Self.droppingNulls(try parses.renderDeep(graphql.variables ?? .object([:]), scope))
            body = Array(CompactJSON.text(.object(["query": .string(graphql.query), "variables": variables])).utf8)
            headers.append(("Content-Type", "application/json"))
        }
        if !query.isEmpty {
            url += (url.contains("?") ? "&" : "?") + FormEncoding.query(query)
        }
        let method = try text(spec.method).uppercased()
        return OutboundRequest(method: method, url: url, headers: headers, body: body, credentials: credentials)
    }

    /// `path` when it is an absolute URL, else the path under the service URL.
    func absoluteURL(_ path: String) throws -> String {
        if path.hasPrefix("http://") || path.hasPrefix("https://") { return path }
        guard !serviceURL.isEmpty else { throw ToolError(.invalidArguments, "a relative URL needs a connection with a base URL") }
        let base = serviceURL.hasSuffix("/") ? String(serviceURL.dropLast()) : serviceURL
        return base + (path.hasPrefix("/") || path.isEmpty ? path : "/" + path)
    }

    /// Whether `name` is an HTTP header token.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    func text(_ template: String) throws -> String {
        guard Template.isTemplate(template) else { return template }
        return Template.text(of: try parses.template(template).render(scope))
    }

    /// Renders the path, percent-encoding every inserted value as one path segment
    /// (a path that is one whole template is taken as it renders: a path or an absolute URL).
    func renderPath(_ template: String) throws -> String {
        let whole = try parses.template(template)
        if whole.isSingleExpression { return Template.text(of: try whole.render(scope)) }
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            let value = try parses.template(String(rest[open.lowerBound..<close.upperBound])).render(scope)
            let text = Template.text(of: value)
            guard !text.isEmpty else { throw ToolError(.invalidArguments, "a path parameter is empty") }
            out += text.addingPercentEncoding(withAllowedCharacters: .urlPathSegmentAllowed) ?? text
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    func renderQuery() throws -> [(String, String)] {
        var out: [(String, String)] = []
        for (name, template) in (spec.query ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch try parses.renderDeep(template, scope) {
            case .null: continue
            case .object(let members) where name == "*":
                out += members.sorted { $0.key < $1.key }.filter { $0.value != .null }.map { ($0.key, Template.text(of: $0.value)) }
            case .array(let items): out += items.filter { $0 != .null }.map { (name, Template.text(of: $0)) }
            case let value: out.append((name, Template.text(of: value)))
            }
        }
        return out
    }

    func applyCredentials(_ headers: inout [(String, String)], _ query: inout [(String, String)]) throws {
        for placement in manifest.auth.apply ?? [] {
            if let when = placement.when, try text(when).isEmpty { continue }
            switch placement.in {
            case "header":
                let name = try text(placement.name ?? "Authorization")
                guard Self.isToken(name) else { throw ToolError(.toolError, "the connection's header name is not valid") }
                headers.append((name, try text(placement.value ?? "")))
            case "query": query.append((placement.name ?? "key", try text(placement.value ?? "")))
            case "basic":
                let pair = try text(placement.username ?? "") + ":" + (try text(placement.password ?? ""))
                headers.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
            default: continue
            }
        }
    }

    /// Removes object members whose value is null (absent optional arguments).
    static func droppingNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): return .object(members.filter { $0.value != .null }.mapValues(droppingNulls))
        case .array(let items): return .array(items.map(droppingNulls))
        default: return value
        }
    }
}

extension CharacterSet {
    /// Characters allowed unescaped inside one path segment.
    static let urlPathSegmentAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()
}

/// `application/x-www-form-urlencoded` with bracketed nesting (`metadata[plan]=pro`, `items[0][price]=x`).
public enum FormEncoding {
    /// `name=value&…` with both sides percent-encoded (a query string or a form body).
    public static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func encode(_ value: JSONValue) -> String {
        pairs(value, prefix: nil).map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func pairs(_ value: JSONValue, prefix: String?) -> [(String, String)] {
        switch value {
        case .object(let members):
            return members.sorted { $0.key < $1.key }.flatMap { member in
                pairs(member.value, prefix: prefix.map { "\($0)[\(member.key)]" } ?? member.key)
            }
        case .array(let items):
            return items.enumerated().flatMap { pairs($0.element, prefix: "\(prefix ?? "")[\($0.offset)]") }
        case .null: return []
        default: return prefix.map { [($0, Template.text(of: value))] } ?? []
        }
    }

    static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// Percent-encodes everything but the unreserved characters.
    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
