import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// Typed, throwing access to a tool's (already schema-validated) arguments.
struct ToolArguments: Sendable {
    /// The argument object.
    let values: [String: JSONValue]

    /// Wraps the arguments of `invocation`.
    init(_ invocation: ToolInvocation) { values = invocation.arguments.objectValue ?? [:] }

    /// Wraps an argument object directly.
    init(_ values: [String: JSONValue]) { self.values = values }

    /// The argument `key`, or `nil` when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let v = values[key], v != .null else { return nil }
        return v
    }

    /// A required argument of any type.
    func required(_ key: String) throws -> JSONValue {
        guard let v = values[key] else { throw utilityError("Missing argument '\(key)'") }
        return v
    }

    /// A required string.
    func string(_ key: String) throws -> String {
        guard let s = value(key)?.stringValue else { throw utilityError("Argument '\(key)' must be a string") }
        return s
    }

    /// An optional string with a default.
    func string(_ key: String, default fallback: String) -> String { value(key)?.stringValue ?? fallback }

    /// An optional string.
    func optionalString(_ key: String) -> String? { value(key)?.stringValue }

    /// A required number.
    func double(_ key: String) throws -> Double {
        guard let d = value(key)?.doubleValue, d.isFinite else { throw utilityError("Argument '\(key)' must be a finite number") }
        return d
    }

    /// An optional integer, or `fallback`; non-integral or out-of-range values throw.
    func int(_ key: String, default fallback: Int) throws -> Int { try optionalInt(key) ?? fallback }

    /// A required integer.
    func int(_ key: String) throws -> Int {
        guard let i = try optionalInt(key) else { throw utilityError("Argument '\(key)' must be an integer") }
        return i
    }

    /// An optional integer.
    func optionalInt(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        if case .int(let i) = v { return i }
        if case .double(let d) = v, let i = Int(exactly: d) { return i }
        throw utilityError("Argument '\(key)' must be an integer in range")
    }

    /// An optional boolean, or `fallback`.
    func bool(_ key: String, default fallback: Bool) -> Bool { value(key)?.boolValue ?? fallback }

    /// A required array.
    func array(_ key: String) throws -> [JSONValue] {
        guard let a = value(key)?.arrayValue else { throw utilityError("Argument '\(key)' must be an array") }
        return a
    }
}

/// A `tool_error` with `message`.
func utilityError(_ message: String) -> ToolError { ToolError(.toolError, message) }

/// A tool implementation from a synchronous function of the arguments.
func utilityTool(_ body: @escaping @Sendable (ToolArguments) throws -> JSONValue) -> any ToolImplementation {
    ClosureTool { invocation in try body(ToolArguments(invocation)) }
}

/// A JSON number from a `Double`: an integer when exact and in range; throws when not finite.
func jsonNumber(_ d: Double, name: String = "result") throws -> JSONValue {
    guard d.isFinite else { throw utilityError("The \(name) is not a finite number") }
    if d == d.rounded(), abs(d) < 9.0e15, let i = Int(exactly: d) { return .int(i) }
    return .double(d)
}

/// Compiles a JMESPath expression, naming the argument in the error.
func compilePath(_ source: String, argument: String) throws -> JMESPathExpression {
    do { return try JMESPathExpression(source) } catch {
        throw utilityError("Argument '\(argument)' is not a valid JMESPath expression: \(error.description)")
    }
}

/// Evaluates `path` over `value`, or returns `value` itself when `path` is nil.
func select(_ path: JMESPathExpression?, in value: JSONValue) throws -> JSONValue {
    guard let path else { return value }
    do { return try path.search(value) } catch {
        throw utilityError("JMESPath '\(path.source)' failed: \(error.description)")
    }
}
