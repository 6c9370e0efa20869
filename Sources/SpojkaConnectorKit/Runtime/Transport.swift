import SpojkaCore

/// An outgoing HTTP request built from a tool's manifest.
public struct OutboundRequest: Sendable {
    /// HTTP method.
    public var method: String
    /// Absolute URL.
    public var url: String
    /// Headers in order.
    public var headers: [(String, String)]
    /// Body bytes.
    public var body: [UInt8]?
    /// Where the request carries a connection's credentials (set by the runtime), so that a redirect to
    /// another origin can drop every one of them; `nil` when it carries none.
    public var credentials: CarriedCredentials?

    /// Creates a request.
    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, credentials: CarriedCredentials? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body; self.credentials = credentials
    }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// An HTTP answer.
public struct OutboundResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Headers in order.
    public var headers: [(String, String)]
    /// Body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// A failure below HTTP: the request never got an answer.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable {
        /// DNS, connect, TLS or reset.
        case network
        /// No answer in time.
        case timeout
        /// The outbound network policy refused the destination.
        case blocked
        /// The URL is not usable.
        case invalidURL = "invalid_url"
    }

    /// The kind.
    public var kind: Kind
    /// A message without secrets.
    public var message: String

    /// Creates a transport error.
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }

    /// `kind: message`.
    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Sends HTTP requests; the concrete client (AsyncHTTPClient with the network policy) is chosen by the server.
public protocol HTTPTransport: Sendable {
    /// Sends one request (following allowed redirects) and returns the answer.
    func send(_ request: OutboundRequest, timeout: Duration) async throws -> OutboundResponse
}
