import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// Maps the operations of a normalised document to declarative tools, noting what it cannot map.
struct OperationMapper {
    let resolver: SchemaResolver
    /// Header names the connection's credentials set (a parameter of that name is left to them).
    let credentialHeaders: Set<String>
    var report: [String] = []
    private var names = Set<String>()

    init(resolver: SchemaResolver, credentialHeaders: Set<String>) {
        self.resolver = resolver
        self.credentialHeaders = Set(credentialHeaders.map { $0.lowercased() })
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// One tool per operation, in document order.
    mutating func tools(paths: [String]) -> [JSONValue] {
        var tools: [JSONValue] = []
        for path in paths {
            guard let item = resolver.follow(resolver.document["paths"]?[path]) else {
                report.append("skipped \(path): its path item reference does not resolve")
                continue
            }
            for method in Self.methods {
                guard let operation = item[method] else { continue }
                let label = "\(method.uppercased()) \(path)"
                guard !["options", "trace"].contains(method) else {
                    report.append("skipped \(label): \(method.uppercased()) is not a method tools send")
                    continue
                }
                if let tool = tool(method: method, path: path, operation: operation, shared: item["parameters"]?.arrayValue ?? [], label: label) {
                    tools.append(tool)
                }
            }
        }
        return tools
    }

    private mutating func uniqueName(_ base: String) -> String {
        var name = base
        var counter = 2
        while !names.insert(name).inserted {
            name = String(base.prefix(60)).trimmingTrailingUnderscores + "_\(counter)"
            counter += 1
        }
        return name
    }

    private mutating func tool(method: String, path: String, operation: JSONValue, shared: [JSONValue], label: String) -> JSONValue? {
        let name = uniqueName(operation["operationId"]?.stringValue.map(Naming.snake) ?? Naming.fromPath(method: method, path: path))
        let where_ = "\(label) (tool \(name))"
        if let callbacks = operation["callbacks"]?.objectValue, !callbacks.isEmpty {
            report.append("skipped callbacks \(callbacks.keys.sorted().joined(separator: ", ")) of \(where_): callbacks are inbound requests")
        }
        var input = InputBuilder(path: path)
        for parameter in mergedParameters(shared: shared, own: operation["parameters"]?.arrayValue ?? []) {
            addParameter(parameter, to: &input, where_: where_)
        }
        for undeclared in Self.templateNames(input.pathTemplate) {
            report.append("path parameter \(undeclared) of \(where_) is not declared: added as a required string argument")
            let argument = input.argument(undeclared, location: "path", schema: ["type": "string"], required: true)
            input.pathTemplate = input.pathTemplate.replacingOccurrences(of: "{\(undeclared)}", with: "{{ \(argument) }}")
        }
        if let body = resolver.follow(operation["requestBody"]) {
            guard addBody(body, to: &input, where_: where_) else {
                report.append("skipped \(where_): its required request body cannot be mapped")
                names.remove(name)
                return nil
            }
        }
        let (outputSchema, output) = outputOf(operation, where_: where_)
        var request: [String: JSONValue] = ["method": .string(method.uppercased()), "path": .string(input.pathTemplate)]
        if !input.query.isEmpty { request["query"] = .object(input.query) }
        if !input.headers.isEmpty { request["headers"] = .object(input.headers.mapValues(JSONValue.string)) }
        if !input.optionalHeaders.isEmpty {
            let pairs = input.optionalHeaders.map { "\(Naming.jmes($0.header)): \($0.argument)" }
            request["headersFrom"] = .string("{{ {" + pairs.joined(separator: ", ") + "} }}")
        }
        if let json = input.json { request["json"] = json }
        if let form = input.form { request["form"] = form }
        if let output { request["output"] = .string(output) }
        let summary = operation["summary"]?.stringValue
        var description = operation["description"]?.stringValue ?? summary ?? label
        if description.isEmpty { description = label }
        return [
            "name": .string(name), "title": .string(Naming.title(summary, name: name)), "description": .string(description),
            "inputSchema": input.schema, "outputSchema": outputSchema, "annotations": Self.annotations(method),
            "request": .object(request),
        ]
    }

    /// Path-level parameters overridden by the operation's own (same name and location).
    private func mergedParameters(shared: [JSONValue], own: [JSONValue]) -> [JSONValue] {
        let ownResolved = own.compactMap { resolver.follow($0) }
        func key(_ p: JSONValue) -> String { (p["in"]?.stringValue ?? "") + ":" + (p["name"]?.stringValue ?? "") }
        let ownKeys = Set(ownResolved.map(key))
        return shared.compactMap { resolver.follow($0) }.filter { !ownKeys.contains(key($0)) } + ownResolved
    }

    private mutating func addParameter(_ parameter: JSONValue, to input: inout InputBuilder, where_: String) {
        guard let name = parameter["name"]?.stringValue, let location = parameter["in"]?.stringValue else { return }
        if location == "cookie" {
            report.append("skipped cookie parameter \(name) of \(where_): cookies are not sent by tools")
            return
        }
        if location == "header", credentialHeaders.contains(name.lowercased()) || FramingHeaders.isFraming(name) {
            report.append("skipped header parameter \(name) of \(where_): Spojka or the connection's credentials set it")
            return
        }
        var schema = resolver.schema(parameter["schema"] ?? parameter["content"]?.objectValue?.values.first?["schema"])
        if case .object(var members) = schema, members["description"] == nil, let text = parameter["description"]?.stringValue {
            members["description"] = .string(text)
            schema = .object(members)
        }
        let required = location == "path" || parameter["required"]?.boolValue == true
        let argument = input.argument(name, location: location, schema: schema, required: required)
        switch location {
        case "path": input.pathTemplate = input.pathTemplate.replacingOccurrences(of: "{\(name)}", with: "{{ \(argument) }}")
        case "query": input.query[name] = .string("{{ \(argument) }}")
        case "header":
            if required { input.headers[name] = "{{ \(argument) }}" } else { input.optionalHeaders.append((name, argument)) }
        default: report.append("skipped \(location) parameter \(name) of \(where_): unknown location")
        }
    }

    /// Maps a JSON or form body; false when the body is required and has no media type tools can send.
    private mutating func addBody(_ body: JSONValue, to input: inout InputBuilder, where_: String) -> Bool {
        let content = body["content"]?.objectValue ?? [:]
        let required = body["required"]?.boolValue == true
        let types = content.keys.sorted()
        if let type = types.first(where: MediaTypes.isJSON) {
            return input.addBody(resolver.schema(content[type]?["schema"]), required: required, form: false)
        }
        if let type = types.first(where: { $0.lowercased().hasPrefix("application/x-www-form-urlencoded") }) {
            if input.addBody(resolver.schema(content[type]?["schema"]), required: required, form: true) { return true }
            report.append("skipped the form request body of \(where_): it is not an object with properties")
            return !required
        }
        let kind = types.contains { $0.lowercased().hasPrefix("multipart/") } ? "multipart" :
            types.allSatisfy(MediaTypes.isXML) && !types.isEmpty ? "XML-only" : "non-JSON (\(types.joined(separator: ", ")))"
        report.append("skipped the \(kind) request body of \(where_): tools send JSON or form bodies")
        return !required
    }

    /// The output schema of the first 2xx JSON response; non-object outputs are wrapped.
    private mutating func outputOf(_ operation: JSONValue, where_: String) -> (JSONValue, String?) {
        let responses = operation["responses"]?.objectValue ?? [:]
        let success = responses.keys.filter { $0.hasPrefix("2") }.sorted()
        for status in success {
            guard let response = resolver.follow(responses[status]) else { continue }
            let content = response["content"]?.objectValue ?? [:]
            if let type = content.keys.sorted().first(where: MediaTypes.isJSON) {
                let strict = resolver.schema(content[type]?["schema"])
                let schema = SchemaResolver.lenient(strict)
                if MediaTypes.isObjectSchema(strict), case .object(var root) = schema {
                    root["type"] = "object"
                    return (.object(root), nil)
                }
                let key = strict["type"] == "array" ? "items" : "result"
                return (["type": "object", "properties": .object([key: schema])], "{\(key): body}")
            }
            if !content.isEmpty {
                report.append("the \(status) response of \(where_) is not JSON (\(content.keys.sorted().joined(separator: ", "))): its output is not described")
            }
        }
        return (["type": "object"], nil)
    }

    /// The `{name}` path parameters left in a path template (not the `{{ … }}` templates).
    static func templateNames(_ path: String) -> [String] {
        guard let pattern = try? NSRegularExpression(pattern: #"(?<!\{)\{([^{}\s]+)\}(?!\})"#) else { return [] }
        let range = NSRange(path.startIndex..., in: path)
        return pattern.matches(in: path, range: range).compactMap { Range($0.range(at: 1), in: path).map { String(path[$0]) } }
    }

    static func annotations(_ method: String) -> JSONValue {
        let (readOnly, destructive, idempotent): (Bool, Bool, Bool) = switch method {
        case "get", "head": (true, false, true)
        case "put": (false, false, true)
        case "delete": (false, true, true)
        default: (false, false, false)
        }
        return ["readOnlyHint": .bool(readOnly), "destructiveHint": .bool(destructive), "idempotentHint": .bool(idempotent), "openWorldHint": true]
    }
}

/// Media type tests.
enum MediaTypes {
    static func isJSON(_ type: String) -> Bool {
        let base = type.lowercased().split(separator: ";").first.map(String.init) ?? ""
        return base == "application/json" || base.hasSuffix("+json")
    }

    static func isXML(_ type: String) -> Bool {
        let base = type.lowercased()
        return base.hasPrefix("application/xml") || base.hasPrefix("text/xml") || base.contains("+xml")
    }

    static func isObjectSchema(_ schema: JSONValue) -> Bool {
        schema["type"] == "object" || (schema["type"] == nil && schema["properties"] != nil)
    }
}
