import SpojkaCore

/// One call of a tool, as handed to its implementation.
public struct ToolInvocation: Sendable {
    /// The connector's manifest.
    public var connector: ConnectorManifest
    /// The tool's specification.
    public var tool: ToolSpec
    /// Arguments, already validated against the tool's `inputSchema`.
    public var arguments: JSONValue
    /// Decrypted credential fields of the connection (empty for utility connectors).
    public var credentials: [String: Secret]
    /// Non-secret settings of the connection.
    public var settings: JSONValue
    /// The resolved service URL of the connection, if any.
    public var serviceURL: String?

    /// Creates an invocation.
    public init(connector: ConnectorManifest, tool: ToolSpec, arguments: JSONValue,
                credentials: [String: Secret] = [:], settings: JSONValue = .object([:]), serviceURL: String? = nil) {
        self.connector = connector; self.tool = tool; self.arguments = arguments
        self.credentials = credentials; self.settings = settings; self.serviceURL = serviceURL
    }
}

/// A tool implemented in Swift (utility connectors, and tools that need code).
public protocol ToolImplementation: Sendable {
    /// Runs the tool and returns its output (validated against `outputSchema` by the runtime).
    func call(_ invocation: ToolInvocation) async throws -> JSONValue
}

/// A closure-backed tool implementation.
public struct ClosureTool: ToolImplementation {
    let body: @Sendable (ToolInvocation) async throws -> JSONValue

    /// Wraps a closure that computes the output from the invocation.
    public init(_ body: @escaping @Sendable (ToolInvocation) async throws -> JSONValue) { self.body = body }

    /// Calls the closure.
    public func call(_ invocation: ToolInvocation) async throws -> JSONValue { try await body(invocation) }
}

/// The failure of a tool call, classified for status handling (DESIGN §2.5).
public struct ToolError: Error, Sendable, CustomStringConvertible {
    /// The classification.
    public struct Code: RawRepresentable, Hashable, Sendable {
        /// The code text.
        public let rawValue: String
        /// Wraps a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Arguments failed the input schema (nothing was sent).
        public static let invalidArguments = Code(rawValue: "invalid_arguments")
        /// The service rejected the credential (401/403, invalid key) → `reauthorize`.
        public static let authRejected = Code(rawValue: "auth_rejected")
        /// Network, DNS, TLS or 5xx failure → `error`.
        public static let serviceUnavailable = Code(rawValue: "service_unavailable")
        /// Another 4xx: the service's own message.
        public static let toolError = Code(rawValue: "tool_error")
        /// The answer broke the output schema.
        public static let invalidOutput = Code(rawValue: "invalid_output")
        /// The destination is not allowed by the outbound network policy.
        public static let blockedDestination = Code(rawValue: "blocked_destination")
    }

    /// The classification.
    public var code: Code
    /// A message safe to show (never a credential).
    public var message: String
    /// Structured details (e.g. failing paths).
    public var details: [String: JSONValue]

    /// Creates a tool error.
    public init(_ code: Code, _ message: String, details: [String: JSONValue] = [:]) {
        self.code = code; self.message = message; self.details = details
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// An `invalid_arguments` error listing each schema failure with its path.
    public static func invalidArguments(_ errors: [(path: String, message: String)]) -> ToolError {
        let list = errors.map { JSONValue.object(["path": .string($0.path), "message": .string($0.message)]) }
        return ToolError(.invalidArguments, "Invalid arguments: " + errors.map { "\($0.path.isEmpty ? "/" : $0.path): \($0.message)" }.joined(separator: "; "),
                         details: ["fields": .array(list)])
    }
}
