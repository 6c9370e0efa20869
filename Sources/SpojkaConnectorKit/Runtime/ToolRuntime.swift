import Foundation
import SpojkaCore
import Synchronization

/// What the runtime needs to call one tool of one connector.
public struct ToolCall: Sendable {
    /// The connector.
    public var connector: ConnectorManifest
    /// The tool name.
    public var tool: String
    /// The arguments (validated here before anything is sent).
    public var arguments: JSONValue
    /// Decrypted credentials of the connection (empty for utilities).
    public var credentials: [String: Secret]
    /// Settings of the connection.
    public var settings: JSONValue
    /// The connection's service URL (override or resolved template).
    public var serviceURL: String?

    /// Creates a call.
    public init(connector: ConnectorManifest, tool: String, arguments: JSONValue, credentials: [String: Secret] = [:],
                settings: JSONValue = .object([:]), serviceURL: String? = nil) {
        self.connector = connector; self.tool = tool; self.arguments = arguments
        self.credentials = credentials; self.settings = settings; self.serviceURL = serviceURL
    }
}

/// Retries with exponential backoff and full jitter on 429, 5xx and network errors.
public struct RetryPolicy: Sendable {
    /// Total attempts, at least 1.
    public var attempts: Int
    /// The first backoff.
    public var baseDelay: Duration
    /// The longest wait, also for `Retry-After`.
    public var maxDelay: Duration
    /// Per-attempt timeout.
    public var timeout: Duration

    /// Creates a policy (defaults: 3 attempts, 200 ms base, 30 s cap, 30 s timeout).
    public init(attempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(30), timeout: Duration = .seconds(30)) {
        self.attempts = max(1, attempts); self.baseDelay = baseDelay; self.maxDelay = maxDelay; self.timeout = timeout
    }

    /// The wait before attempt `attempt + 1`, honouring a `Retry-After` header value.
    func delay(after attempt: Int, retryAfter: String?) -> Duration {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds.isFinite {
            // A service may send any number here: clamp before converting, a huge value must not trap.
            return min(.milliseconds(Int64(min(max(0, seconds), 86_400) * 1000)), maxDelay)
        }
        let ceiling = min(baseDelay * (1 << min(attempt - 1, 16)), maxDelay)
        let millis = ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000
        return .milliseconds(Int64.random(in: 0...max(1, millis)))
    }
}

/// Runs tools: validates arguments, calls the Swift implementation or sends the declared request,
/// classifies failures, and validates the output.
public struct ToolRuntime: Sendable {
    let transport: any HTTPTransport
    let implementations: [String: any ToolImplementation]
    let compiled = CompiledSchemas()
    let parses = ParseCache()
    let retry: RetryPolicy
    let sleep: @Sendable (Duration) async throws -> Void

    /// Creates a runtime.
    public init(transport: any HTTPTransport, implementations: [String: any ToolImplementation], retry: RetryPolicy = RetryPolicy(),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.transport = transport; self.implementations = implementations; self.retry = retry
        self.sleep = sleep
    }

    /// The transport tools send through (with its destination policy), for other outbound calls such as OAuth token requests.
    public var httpTransport: any HTTPTransport { transport }

    /// Calls the tool and returns its schema-valid output.
    public func call(_ call: ToolCall) async throws -> JSONValue {
        guard let tool = call.connector.tool(call.tool) else {
            throw ToolError(.toolError, "Connector \(call.connector.key) has no tool \(call.tool)")
        }
        let key = "\(call.connector.key)@\(call.connector.version)/\(tool.name)"
        try validate(call.arguments, against: tool.inputSchema, key: key + "/in", as: .invalidArguments, what: "arguments")
        let output: JSONValue
        if let name = tool.implementation {
            guard let implementation = implementations[name] else { throw ToolError(.toolError, "Tool \(name) is not available") }
            output = try await implementation.call(ToolInvocation(connector: call.connector, tool: tool, arguments: call.arguments,
                                                                  credentials: call.credentials, settings: call.settings, serviceURL: call.serviceURL))
        } else if let request = tool.request {
            output = try await HTTPToolCall(runtime: self, call: call, spec: request).run()
        } else {
            throw ToolError(.toolError, "Tool \(tool.name) has neither a request nor an implementation")
        }
        try validate(output, against: tool.outputSchema, key: key + "/out", as: .invalidOutput, what: "output")
        return output
    }

    func validate(_ value: JSONValue, against schema: JSONValue, key: String, as code: ToolError.Code, what: String) throws {
        let errors = try compiled.schema(key, schema).validate(value)
        guard !errors.isEmpty else { return }
        let list = errors.prefix(20).map { JSONValue.object(["path": .string($0.instancePath), "keyword": .string($0.keyword), "message": .string($0.message)]) }
        let summary = errors.prefix(5).map { "\($0.instancePath.isEmpty ? "/" : $0.instancePath): \($0.message)" }.joined(separator: "; ")
        throw ToolError(code, code == .invalidArguments ? "Invalid arguments: \(summary)" : "The service answered with an unexpected \(what): \(summary)",
                        details: ["fields": .array(Array(list))])
    }

    /// Sends with retries; returns the final answer (2xx or non-retryable) or throws `service_unavailable`.
    func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        var attempt = 1
        while true {
            do {
                let response = try await transport.send(request, timeout: retry.timeout)
                let retryable = response.status == 429 || (500...599).contains(response.status)
                guard retryable, attempt < retry.attempts else { return response }
                try await sleep(retry.delay(after: attempt, retryAfter: response.header("Retry-After")))
            } catch let error as TransportError {
                if error.kind == .blocked || error.kind == .invalidURL {
                    throw ToolError(.blockedDestination, error.message)
                }
                guard attempt < retry.attempts else {
                    throw ToolError(.serviceUnavailable, "The service could not be reached (\(error.kind.rawValue)): \(error.message)")
                }
                try await sleep(retry.delay(after: attempt, retryAfter: nil))
            }
            attempt += 1
        }
    }
}

/// Compiled tool schemas by `connector@version/tool/in|out`: a cheap key instead of hashing whole schemas per call.
/// Formats our schemas use (email, uri, date-time, uuid, …) are asserted, not only annotated.
final class CompiledSchemas: Sendable {
    private let cache = Mutex<[String: JSONSchema]>([:])

    func schema(_ key: String, _ source: JSONValue) throws -> JSONSchema {
        if let hit = cache.withLock({ $0[key] }), hit.source == source { return hit }
        let schema = try JSONSchema(source, assertFormats: true)
        cache.withLock { $0[key] = schema }
        return schema
    }
}
