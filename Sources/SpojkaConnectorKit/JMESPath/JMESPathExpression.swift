import SpojkaCore

/// An error raised while compiling or evaluating a JMESPath expression.
public struct JMESPathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error categories defined by the JMESPath specification.
    public enum Kind: String, Sendable {
        /// The expression is not valid JMESPath syntax.
        case syntax
        /// A function received an argument of the wrong type.
        case invalidType = "invalid-type"
        /// A value is out of range (for example a slice step of zero).
        case invalidValue = "invalid-value"
        /// A function was called with the wrong number of arguments.
        case invalidArity = "invalid-arity"
        /// The expression calls a function that does not exist.
        case unknownFunction = "unknown-function"
    }

    /// The error category.
    public var kind: Kind
    /// A human-readable explanation.
    public var message: String
    /// The offset (in Unicode scalars) into the expression source, when known.
    public var offset: Int?

    /// Creates an error of `kind` with `message`, optionally located at `offset`.
    public init(kind: Kind, message: String, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    /// A one-line description such as `syntax error at offset 3: unexpected token`.
    public var description: String {
        let location = offset.map { " at offset \($0)" } ?? ""
        return "\(kind.rawValue) error\(location): \(message)"
    }
}

/// A compiled JMESPath expression: parse once, then `search` any number of documents.
public struct JMESPathExpression: Sendable, CustomStringConvertible {
    /// The expression text this value was compiled from.
    public let source: String
    private let root: JMESNode

    /// Compiles `expression`, throwing a `JMESPathError` if it is not valid JMESPath.
    public init(_ expression: String) throws(JMESPathError) {
        self.source = expression
        self.root = try JMESParser.parse(expression)
    }

    /// Evaluates the expression against `data` and returns the result.
    public func search(_ data: JSONValue) throws(JMESPathError) -> JSONValue {
        try root.evaluate(data)
    }

    /// The expression source.
    public var description: String { source }
}
