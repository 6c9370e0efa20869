import Foundation
import SpojkaCore

/// One validation failure: where in the instance, which keyword, and why.
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer to the failing part of the instance (`""` for the root), e.g. `/items/0/name`.
    public var instancePath: String
    /// The schema keyword that failed, e.g. `required` or `type`.
    public var keyword: String
    /// JSON Pointer of the failing keyword along the evaluation path, e.g. `/properties/a/type`.
    public var schemaPath: String
    /// A human-readable explanation, e.g. `missing required property 'name'`.
    public var message: String

    /// Creates an error from its parts.
    public init(instancePath: String, keyword: String, schemaPath: String, message: String) {
        self.instancePath = instancePath
        self.keyword = keyword
        self.schemaPath = schemaPath
        self.message = message
    }

    /// A one-line rendering: `<instancePath>: <message> (<keyword>)`.
    public var description: String {
        "\(instancePath.isEmpty ? "/" : instancePath): \(message) (\(keyword))"
    }
}

/// Why a schema could not be compiled.
public struct JSONSchemaCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer (or URI) of the offending schema location.
    public var location: String
    /// A human-readable explanation.
    public var message: String

    /// Creates a compile error.
    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    /// A one-line rendering: `<location>: <message>`.
    public var description: String { "\(location): \(message)" }
}

/// JSON Pointer (RFC 6901) helpers.
enum JSONPointer {
    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    static func escape(_ token: String) -> String {
        guard token.contains("~") || token.contains("/") else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Unescapes one reference token.
    static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        return token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    /// Appends `token` to `pointer`.
    static func append(_ pointer: String, _ token: String) -> String {
        pointer + "/" + escape(token)
    }

    /// Evaluates `pointer` (already percent-decoded) inside `document`.
    static func evaluate(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard !pointer.isEmpty else { return document }
        guard pointer.hasPrefix("/") else { return nil }
        var current = document
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = unescape(raw)
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), index >= 0, index < items.count,
                      token == String(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}
