import Foundation
import SpojkaCore

/// Resolves local `$ref`s of a normalised OpenAPI document and turns its schemas into self-contained
/// JSON Schema 2020-12 (references inlined; a reference back into itself becomes an open schema).
struct SchemaResolver {
    let document: JSONValue
    /// Keywords OpenAPI adds to JSON Schema that a tool schema does not need.
    static let openAPIOnly: Set<String> = ["discriminator", "xml", "externalDocs", "example", "$schema", "$id", "$comment"]

    /// The value at a local reference (`#/components/...`), or nil.
    func target(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var current: JSONValue? = document
        for raw in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let token = String(raw).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            let key = token.removingPercentEncoding ?? token
            switch current {
            case .object(let members): current = members[key]
            case .array(let items): current = Int(key).flatMap { $0 >= 0 && $0 < items.count ? items[$0] : nil }
            default: return nil
            }
        }
        return current
    }

    /// `value` with a top-level `$ref` followed (for parameters, bodies, responses); cycles stop at nil.
    func follow(_ value: JSONValue?) -> JSONValue? {
        var value = value
        var seen = Set<String>()
        while let reference = value?["$ref"]?.stringValue {
            guard seen.insert(reference).inserted else { return nil }
            value = target(reference)
        }
        return value
    }

    /// A self-contained JSON Schema for `schema`.
    func schema(_ schema: JSONValue?) -> JSONValue {
        inline(schema ?? .object([:]), stack: [])
    }

    /// `schema` as a description of a service's answers rather than a contract: every typed value may
    /// also be null, and required members, closed objects, value constraints and `oneOf` exclusivity are
    /// dropped, so drift between a published document and the live service does not fail the call.
    static func lenient(_ schema: JSONValue) -> JSONValue {
        guard case .object(let members) = schema else { return schema }
        let constraints: Set<String> = ["required", "enum", "const", "pattern", "format", "minLength", "maxLength", "minimum", "maximum",
                                        "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "multipleOf",
                                        "minProperties", "maxProperties", "unevaluatedProperties", "unevaluatedItems", "not"]
        var out: [String: JSONValue] = [:]
        for (key, member) in members where !constraints.contains(key) {
            switch key {
            case "type":
                var types = member.arrayValue ?? [member]
                if !types.contains("null") { types.append("null") }
                out[key] = .array(types)
            case "properties", "patternProperties", "$defs":
                out[key] = member.objectValue.map { .object($0.mapValues(lenient)) } ?? member
            case "items", "if", "then", "else", "contains":
                out[key] = lenient(member)
            case "additionalProperties": if member != false { out[key] = lenient(member) }
            case "allOf", "anyOf", "prefixItems": out[key] = member.arrayValue.map { .array($0.map(lenient)) } ?? member
            case "oneOf": out["anyOf"] = member.arrayValue.map { .array($0.map(lenient)) } ?? member
            default: out[key] = member
            }
        }
        return .object(out)
    }

    private func inline(_ value: JSONValue, stack: [String]) -> JSONValue {
        switch value {
        case .bool: return value
        case .object(var members):
            if let reference = members["$ref"]?.stringValue {
                members["$ref"] = nil
                guard !stack.contains(reference), stack.count < 24, let resolved = target(reference) else {
                    let note = "recursive reference \(reference) (any value accepted here)"
                    return .object(["description": .string(members["description"]?.stringValue ?? note)])
                }
                var inlined = inline(resolved, stack: stack + [reference])
                // 3.1 allows siblings of $ref (description, …): they override the target's.
                if case .object(var merged) = inlined, !members.isEmpty {
                    for (key, sibling) in members where !Self.openAPIOnly.contains(key) { merged[key] = inline(sibling, stack: stack) }
                    inlined = .object(merged)
                }
                return inlined
            }
            var out: [String: JSONValue] = [:]
            for (key, member) in members where !Self.openAPIOnly.contains(key) && !key.hasPrefix("x-") {
                switch key {
                case "properties", "patternProperties", "$defs", "dependentSchemas":
                    out[key] = member.objectValue.map { .object($0.mapValues { inline($0, stack: stack) }) } ?? member
                case "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
                     "unevaluatedItems", "unevaluatedProperties":
                    out[key] = inline(member, stack: stack)
                case "allOf", "anyOf", "oneOf", "prefixItems":
                    out[key] = member.arrayValue.map { .array($0.map { inline($0, stack: stack) }) } ?? member
                default: out[key] = member
                }
            }
            // A 3.0 `nullable` enum (now a type union with "null") admits null as a value too.
            if out["type"]?.arrayValue?.contains("null") == true, var values = out["enum"]?.arrayValue, !values.contains(.null) {
                values.append(.null)
                out["enum"] = .array(values)
            }
            return .object(out)
        default: return .object([:])
        }
    }
}

/// Name helpers shared by the mappers.
enum Naming {
    /// `snake_case` of an operationId or any identifier-ish text (`emails/send` → `emails_send`,
    /// `listPets` → `list_pets`), starting with a letter and at most 64 characters.
    static func snake(_ text: String) -> String {
        var out = ""
        var previous: Character = "_"
        for character in text {
            if character.isLetter || character.isNumber, character.isASCII {
                if character.isUppercase, previous.isLowercase || previous.isNumber { out += "_" }
                out += character.lowercased()
            } else if !out.hasSuffix("_") && !out.isEmpty {
                out += "_"
            }
            previous = character
        }
        while out.hasSuffix("_") { out.removeLast() }
        if out.first.map({ !$0.isLetter }) ?? true { out = "op_" + out }
        if out.hasSuffix("_") { out.removeLast() }
        return String(out.prefix(64)).trimmingTrailingUnderscores
    }

    /// A tool name for an operation without an operationId: method plus the path's literal segments
    /// and parameters (`GET /pets/{id}` → `get_pets_by_id`).
    static func fromPath(method: String, path: String) -> String {
        let words = path.split(separator: "/").map { segment -> String in
            segment.hasPrefix("{") ? "by_" + segment.trimmingCharacters(in: CharacterSet(charactersIn: "{}")) : String(segment)
        }
        return snake(([method.lowercased()] + words).joined(separator: "_"))
    }

    /// `text` as a JMESPath identifier (quoted unless it is a plain identifier).
    static func jmes(_ text: String) -> String {
        let plain = text.first.map { $0.isLetter || $0 == "_" } ?? false
            && text.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
        if plain { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A human title from a summary or a snake name (`list_pets` → `List pets`).
    static func title(_ summary: String?, name: String) -> String {
        if let summary, !summary.isEmpty { return String(summary.prefix(120)).trimmingCharacters(in: CharacterSet(charactersIn: ". ")) }
        let words = name.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

extension String {
    var trimmingTrailingUnderscores: String {
        var text = self
        while text.hasSuffix("_") { text.removeLast() }
        return text
    }
}
