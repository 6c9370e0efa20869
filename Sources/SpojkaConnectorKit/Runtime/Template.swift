import Foundation
import SpojkaCore

/// `{{ expr }}` templates: `expr` is JMESPath over a scope such as `{arguments, credentials, settings}`.
///
/// A string that is exactly one template keeps the JSON type of its result; templates mixed with
/// text render as text (null renders as empty, other non-strings as compact JSON).
public struct Template: Sendable {
    enum Part: Sendable {
        case text(String)
        case expression(JMESPathExpression)
    }

    let parts: [Part]

    /// The error of a template that does not parse or fails to evaluate.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The template text.
        public let template: String
        /// Why it failed.
        public let reason: String
        /// `template: reason`.
        public var description: String { "template \(template): \(reason)" }
    }

    /// Parses a template string.
    public init(_ text: String) throws {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw Failure(template: text, reason: "unclosed {{")
            }
            let source = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            do {
                parts.append(.expression(try JMESPathExpression(source)))
            } catch {
                throw Failure(template: text, reason: error.description)
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// Whether the template is exactly one `{{ expr }}` (its result keeps its JSON type).
    public var isSingleExpression: Bool {
        if parts.count == 1, case .expression = parts[0] { return true }
        return false
    }

    /// Whether the text contains any template.
    public static func isTemplate(_ text: String) -> Bool { text.contains("{{") }

    /// Renders against `scope`.
    public func render(_ scope: JSONValue) throws -> JSONValue {
        if parts.count == 1, case .expression(let expression) = parts[0] { return try evaluate(expression, scope) }
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .expression(let expression): out += Self.text(of: try evaluate(expression, scope))
            }
        }
        return .string(out)
    }

    private func evaluate(_ expression: JMESPathExpression, _ scope: JSONValue) throws -> JSONValue {
        do { return try expression.search(scope) } catch {
            throw Failure(template: expression.source, reason: error.description)
        }
    }

    /// The text form of a value inside mixed text (null is empty, strings bare, the rest compact JSON).
    public static func text(of value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .string(let s): s
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): JMESSerializer.format(d)
        default: CompactJSON.text(value)
        }
    }

    /// Renders every string template inside a JSON value (object keys are left as they are).
    public static func renderDeep(_ value: JSONValue, _ scope: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let s) where isTemplate(s): return try Template(s).render(scope)
        case .array(let items): return .array(try items.map { try renderDeep($0, scope) })
        case .object(let members): return .object(try members.mapValues { try renderDeep($0, scope) })
        default: return value
        }
    }
}

/// Compact JSON text with sorted keys (the JMESPath serializer: numbers formatted like JavaScript).
public enum CompactJSON {
    /// Serialises a value compactly with sorted keys.
    public static func text(_ value: JSONValue) -> String { JMESSerializer.serialize(value) }

    /// A string as a JSON string literal, with quotes and escapes.
    public static func quoted(_ string: String) -> String { JMESSerializer.serialize(.string(string)) }
}
