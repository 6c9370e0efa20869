import Foundation
import SpojkaCore

/// One problem found in a manifest: the file, the JSON path, the rule and what is wrong.
public struct ManifestIssue: Sendable, Hashable, CustomStringConvertible {
    /// The manifest file.
    public var file: String
    /// JSON Pointer into the manifest.
    public var path: String
    /// The rule (schema keyword or semantic check) that failed.
    public var rule: String
    /// What is wrong.
    public var message: String

    /// Creates an issue.
    public init(file: String, path: String, rule: String, message: String) {
        self.file = file; self.path = path; self.rule = rule; self.message = message
    }

    /// `file:path: [rule] message`.
    public var description: String { "\(file): \(path.isEmpty ? "/" : path): [\(rule)] \(message)" }
}

/// Checks manifests against the manifest schema and the rules a schema cannot express.
public enum ManifestValidator {
    /// Every issue of the manifest text at `file`; empty when it is valid.
    public static func validate(data: Data, file: String, implementations: Set<String>? = nil) -> (ConnectorManifest?, [ManifestIssue]) {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return (nil, [ManifestIssue(file: file, path: "", rule: "json", message: "not valid JSON")])
        }
        guard case .success(let schema) = ManifestSchema.compiled else {
            return (nil, [ManifestIssue(file: file, path: "", rule: "schema", message: "the manifest schema does not compile")])
        }
        let schemaIssues = schema.validate(json).map {
            ManifestIssue(file: file, path: $0.instancePath, rule: $0.keyword, message: $0.message)
        }
        if !schemaIssues.isEmpty { return (nil, schemaIssues) }
        let manifest: ConnectorManifest
        do {
            manifest = try JSONDecoder().decode(ConnectorManifest.self, from: data)
        } catch {
            return (nil, [ManifestIssue(file: file, path: "", rule: "decode", message: "does not match the manifest model")])
        }
        return (manifest, semanticIssues(manifest, file: file, implementations: implementations))
    }

    static func semanticIssues(_ m: ConnectorManifest, file: String, implementations: Set<String>?) -> [ManifestIssue] {
        var issues: [ManifestIssue] = []
        func add(_ path: String, _ rule: String, _ message: String) { issues.append(ManifestIssue(file: file, path: path, rule: rule, message: message)) }
        var seen = Set<String>()
        for (index, tool) in m.tools.enumerated() {
            let base = "/tools/\(index)"
            if !seen.insert(tool.name).inserted { add(base + "/name", "unique", "tool name \(tool.name) is used twice") }
            let input = compile(tool.inputSchema, base + "/inputSchema", add)
            _ = compile(tool.outputSchema, base + "/outputSchema", add)
            for (e, example) in (tool.examples ?? []).enumerated() {
                for error in input?.validate(example) ?? [] {
                    add("\(base)/examples/\(e)\(error.instancePath)", "example", error.message)
                }
            }
            if let implementation = tool.implementation, let implementations, !implementations.contains(implementation) {
                add(base + "/implementation", "implementation", "no Swift implementation named \(implementation) is registered")
            }
            if let request = tool.request { templateIssues(request, base + "/request", add) }
        }
        if let settings = m.settings { _ = compile(settings, "/settings", add) }
        if let fields = m.auth.fields { _ = compile(fields, "/auth/fields", add) }
        if let tool = m.verify?.tool, m.tool(tool) == nil { add("/verify/tool", "verify", "verify names unknown tool \(tool)") }
        if let account = m.verify?.account, (try? JMESPathExpression(account)) == nil { add("/verify/account", "jmespath", "not a JMESPath expression") }
        let sendsRequests = m.tools.contains { $0.request != nil }
        if sendsRequests, m.auth.type != .none, m.auth.type != .webhook, m.auth.type != .oauth2, (m.auth.apply ?? []).isEmpty {
            add("/auth/apply", "apply", "credentials are never applied to requests")
        }
        if let discovery = m.discovery {
            if (try? JMESPathExpression(discovery.tools)) == nil { add("/discovery/tools", "jmespath", "not a JMESPath expression") }
            if let implementations, !implementations.contains(discovery.implementation) {
                add("/discovery/implementation", "implementation", "no Swift implementation named \(discovery.implementation) is registered")
            }
            if m.verify == nil { add("/discovery", "verify", "tools are discovered at verification, so the connector needs verify") }
        }
        if let url = m.serviceUrl, Template.isTemplate(url), (try? Template(url)) == nil { add("/serviceUrl", "template", "the template does not parse") }
        return issues
    }

    static func compile(_ schema: JSONValue, _ path: String, _ add: (String, String, String) -> Void) -> JSONSchema? {
        do { return try JSONSchema(schema) } catch {
            add(path, "schema", "does not compile: \(error)")
            return nil
        }
    }

    static func templateIssues(_ request: RequestSpec, _ path: String, _ add: (String, String, String) -> Void) {
        var strings: [(String, String)] = [(path + "/path", request.path)]
        strings += (request.headers ?? [:]).map { (path + "/headers/" + $0.key, $0.value) }
        for name in (request.headers ?? [:]).keys.sorted() where FramingHeaders.isFraming(name) {
            add(path + "/headers/" + name, "headers", "\(name) is a framing or hop-by-hop header that Spojka sets")
        }
        for (where_, text) in strings where Template.isTemplate(text) {
            if (try? Template(text)) == nil { add(where_, "template", "the template does not parse") }
        }
        for (name, value) in [("json", request.json), ("form", request.form), ("query", request.query.map { JSONValue.object($0) })] {
            if let value, (try? Template.renderDeep(value, .object([:]))) == nil, !parses(value) {
                add(path + "/" + name, "template", "a template does not parse")
            }
        }
    }

    /// Whether every template inside `value` parses (rendering may still fail on missing data).
    static func parses(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s): return !Template.isTemplate(s) || (try? Template(s)) != nil
        case .array(let items): return items.allSatisfy(parses)
        case .object(let members): return members.values.allSatisfy(parses)
        default: return true
        }
    }
}
