import Foundation
import SpojkaCore

/// Maps `securitySchemes` to the manifest's `auth` and the first server to `serviceUrl` and `settings`.
struct AuthMapper {
    let document: JSONValue
    var report: [String] = []

    /// The names of the security schemes the document uses, in first-use order (all defined ones when none is used).
    func usedSchemes(paths: [String]) -> [String] {
        var order: [String] = []
        func note(_ requirements: JSONValue?) {
            for requirement in requirements?.arrayValue ?? [] {
                for name in (requirement.objectValue ?? [:]).keys.sorted() where !order.contains(name) { order.append(name) }
            }
        }
        note(document["security"])
        for path in paths {
            for method in OperationMapper.methods { note(document["paths"]?[path]?[method]?["security"]) }
        }
        let defined = (document["components"]?["securitySchemes"]?.objectValue ?? [:]).keys.sorted()
        return order.isEmpty ? defined : order.filter(defined.contains)
    }

    /// The `auth` object and the header names the credentials set.
    mutating func auth(paths: [String]) -> (JSONValue, Set<String>) {
        let schemes = document["components"]?["securitySchemes"]?.objectValue ?? [:]
        let names = usedSchemes(paths: paths)
        var mapped: [(scheme: String, fields: [String: JSONValue], secret: [String], placement: JSONValue, header: String?)] = []
        var oauthSchemes: [(String, JSONValue)] = []
        let single = names.filter { Self.isPlain(schemes[$0]) }.count == 1
        for name in names {
            guard let scheme = schemes[name], let type = scheme["type"]?.stringValue else { continue }
            let described = scheme["description"]?.stringValue
            func field(_ fallback: String) -> String { single ? fallback : Self.camel(name) }
            switch (type, scheme["in"]?.stringValue, scheme["scheme"]?.stringValue?.lowercased()) {
            case ("apiKey", let location?, _) where location == "header" || location == "query":
                let key = field("apiKey"), header = scheme["name"]?.stringValue ?? "X-API-Key"
                mapped.append((name, [key: Self.secret(described ?? "API key (\(location) \(header)).")], [key],
                               ["in": .string(location), "name": .string(header), "value": .string("{{ credentials.\(key) }}")],
                               location == "header" ? header : nil))
            case ("http", _, "bearer"?):
                let key = field("token")
                mapped.append((name, [key: Self.secret(described ?? "Bearer token.")], [key],
                               ["in": "header", "name": "Authorization", "value": .string("Bearer {{ credentials.\(key) }}")], "Authorization"))
            case ("http", _, "basic"?):
                let user = single ? "username" : Self.camel(name) + "Username", password = single ? "password" : Self.camel(name) + "Password"
                mapped.append((name, [user: ["type": "string", "description": "Basic-auth user."], password: Self.secret("Basic-auth password.")],
                               [user], ["in": "basic", "username": .string("{{ credentials.\(user) }}"), "password": .string("{{ credentials.\(password) }}")],
                               "Authorization"))
            case ("oauth2", _, _):
                oauthSchemes.append((name, scheme))
            default:
                let what = type == "apiKey" ? "an API key in a cookie" : type == "http" ? "HTTP \(scheme["scheme"]?.stringValue ?? "?") authentication" : type
                report.append("skipped security scheme \(name): \(what) is not supported")
            }
        }
        let oauth = oauth2(oauthSchemes)
        var fields: [String: JSONValue] = [:]
        var required: [String] = []
        var apply: [JSONValue] = []
        for entry in mapped {
            fields.merge(entry.fields) { a, _ in a }
            var placement = entry.placement
            if mapped.count == 1 && oauth == nil { required += entry.secret } else if case .object(var members) = placement {
                members["when"] = .string("{{ credentials.\(entry.secret[0]) || '' }}")
                placement = .object(members)
            }
            apply.append(placement)
        }
        var auth: [String: JSONValue] = ["type": mapped.isEmpty ? (oauth == nil ? "none" : "oauth2") : mapped.count == 1 && mapped[0].placement["in"] == "basic" && oauth == nil ? "basic" : "api_key"]
        if var spec = oauth {
            // The access token goes where a bearer scheme puts its token, else in a field of its own.
            let bearer = mapped.first { $0.placement["value"]?.stringValue?.hasPrefix("Bearer ") == true }
            let tokenField = bearer?.secret[0] ?? "accessToken"
            if bearer == nil {
                fields[tokenField] = Self.secret("OAuth access token (filled in by authorisation).")
                apply.append(["in": "header", "name": "Authorization", "value": .string("Bearer {{ credentials.\(tokenField) }}"),
                              "when": .string("{{ credentials.\(tokenField) || '' }}")])
            }
            spec["accessTokenField"] = .string(tokenField)
            auth["oauth2"] = .object(spec)
        }
        if !fields.isEmpty {
            var schema: [String: JSONValue] = ["type": "object", "properties": .object(fields), "additionalProperties": false]
            if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
            auth["fields"] = .object(schema)
        }
        if !apply.isEmpty { auth["apply"] = .array(apply) }
        let headers = Set(mapped.compactMap(\.header) + (oauth == nil ? [] : ["Authorization"]))
        return (.object(auth), headers)
    }

    /// One OAuth setup from the document's OAuth schemes: the first authorization code flow and the first
    /// client credentials flow, with the union of their scopes.
    private mutating func oauth2(_ schemes: [(String, JSONValue)]) -> [String: JSONValue]? {
        var code: JSONValue?, client: JSONValue?, used: [String] = []
        for (name, scheme) in schemes {
            let flows = scheme["flows"]?.objectValue ?? [:]
            for flow in flows.keys.sorted() where flow != "authorizationCode" && flow != "clientCredentials" {
                report.append("skipped the \(flow) flow of OAuth scheme \(name): only authorization code and client credentials are supported")
            }
            var takes = false
            if code == nil, let flow = flows["authorizationCode"] { code = flow; takes = true }
            if client == nil, let flow = flows["clientCredentials"] { client = flow; takes = true }
            if takes { used.append(name) } else if flows["authorizationCode"] != nil || flows["clientCredentials"] != nil {
                report.append("skipped OAuth scheme \(name): a connector has one OAuth setup, taken from \(used.joined(separator: " and "))")
            }
        }
        guard let primary = code ?? client else { return nil }
        var spec: [String: JSONValue] = ["pkce": true]
        if let url = code?["authorizationUrl"]?.stringValue { spec["authorizationUrl"] = .string(url) }
        if let url = primary["tokenUrl"]?.stringValue { spec["tokenUrl"] = .string(url) }
        var scopes: [String] = []
        for flow in [code, client].compactMap({ $0 }) {
            for scope in (flow["scopes"]?.objectValue ?? [:]).keys.sorted() where !scopes.contains(scope) { scopes.append(scope) }
        }
        if !scopes.isEmpty { spec["scopes"] = .array(scopes.map(JSONValue.string)) }
        spec["grants"] = .array((code == nil ? [] : ["authorization_code"]) + (client == nil ? [] : ["client_credentials"]))
        if let client, let code, client["tokenUrl"] != code["tokenUrl"] {
            report.append("OAuth: the client credentials grant uses the authorization code flow's token URL")
        }
        if used.count > 1 { report.append("merged OAuth schemes \(used.joined(separator: " and ")) into one OAuth setup") }
        return spec
    }

    /// The first server as `serviceUrl` (variables become settings with their defaults) and the settings schema.
    mutating func service() -> (String?, JSONValue) {
        guard let server = document["servers"]?[0], var url = server["url"]?.stringValue else {
            report.append("no servers: each connection gives the service URL")
            return (nil, ["type": "object", "properties": [:], "additionalProperties": false])
        }
        var properties: [String: JSONValue] = [:]
        for (name, variable) in (server["variables"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            var setting: [String: JSONValue] = ["type": "string"]
            if let text = variable["description"]?.stringValue { setting["description"] = .string(text) }
            if let values = variable["enum"] { setting["enum"] = values }
            let fallback = variable["default"]?.stringValue ?? ""
            setting["default"] = .string(fallback)
            properties[Self.camel(name)] = .object(setting)
            let quoted = fallback.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            url = url.replacingOccurrences(of: "{\(name)}", with: "{{ settings.\(Self.camel(name)) || '\(quoted)' }}")
        }
        let settings: JSONValue = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        guard url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("{{") else {
            report.append("the first server URL \(url) is relative: each connection gives the service URL")
            return (nil, settings)
        }
        if let extra = document["servers"]?.arrayValue, extra.count > 1 {
            report.append("used the first of \(extra.count) servers; a connection can override the service URL")
        }
        return (url, settings)
    }

    /// Whether a scheme maps to one credential placement (API key in a header or the query, bearer, basic).
    static func isPlain(_ scheme: JSONValue?) -> Bool {
        switch (scheme?["type"]?.stringValue, scheme?["in"]?.stringValue, scheme?["scheme"]?.stringValue?.lowercased()) {
        case ("apiKey", "header"?, _), ("apiKey", "query"?, _), ("http", _, "bearer"?), ("http", _, "basic"?): return true
        default: return false
        }
    }

    static func secret(_ description: String) -> JSONValue {
        ["type": "string", "writeOnly": true, "minLength": 1, "description": .string(description)]
    }

    /// `lowerCamel` of a scheme or variable name, letters and digits only.
    static func camel(_ text: String) -> String {
        let words = Naming.snake(text).split(separator: "_")
        guard let first = words.first else { return "value" }
        return String(first) + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
