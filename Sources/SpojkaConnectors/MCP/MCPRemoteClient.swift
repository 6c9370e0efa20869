import Foundation
import SpojkaConnectorKit
import SpojkaCore
import Synchronization

/// A small Streamable HTTP MCP client over Spojka's outbound transport (so the network policy and credential
/// binding apply): JSON-RPC over POST, answers as `application/json` or `text/event-stream`, `Mcp-Session-Id` kept
/// per server and credential, re-initialised once when the server forgets a session (404).
public struct MCPRemoteClient: Sendable {
    /// The protocol version offered in `initialize`.
    public static let protocolVersion = "2025-06-18"

    let transport: any HTTPTransport
    let timeout: Duration
    let sessions = MCPSessionCache()

    /// Creates a client sending through `transport`.
    public init(transport: any HTTPTransport, timeout: Duration = .seconds(30)) {
        self.transport = transport; self.timeout = timeout
    }

    /// A server URL with the headers that authenticate there; `key` names its sessions (URL + a digest of the headers).
    struct Endpoint: Sendable {
        let url: String
        let headers: [(String, String)]
        var key: String {
            let auth = headers.map { "\($0.0.lowercased()):\($0.1)" }.joined(separator: "\n")
            return url + "#" + SHA256Digest.hash(Array(auth.utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// An initialised session: its ID (none for a stateless server) and the negotiated protocol version.
    struct Session: Sendable {
        let id: String?
        let version: String
        let server: JSONValue
    }

    /// Runs `initialize` (and `notifications/initialized`) now, replacing any cached session.
    func initialize(_ endpoint: Endpoint) async throws -> Session {
        let params: JSONValue = ["protocolVersion": .string(Self.protocolVersion), "capabilities": [:],
                                 "clientInfo": ["name": "spojka", "version": "1.0.0"]]
        let (result, response) = try await exchange(endpoint, method: "initialize", params: params, session: nil)
        let version = result["protocolVersion"]?.stringValue ?? Self.protocolVersion
        let session = Session(id: response.header("Mcp-Session-Id"), version: version, server: result["serverInfo"] ?? .null)
        let note = try await post(endpoint, ["jsonrpc": "2.0", "method": "notifications/initialized"], session: session)
        guard (200...299).contains(note.status) else { throw Self.failure(note) }
        sessions.store(session, for: endpoint.key)
        return session
    }

    /// Sends one request in the cached session (initialising one first when there is none, and once more when the
    /// server answers 404 for a session it forgot); returns the JSON-RPC result.
    func request(_ endpoint: Endpoint, method: String, params: JSONValue) async throws -> JSONValue {
        var session = if let cached = sessions.session(for: endpoint.key) { cached } else { try await initialize(endpoint) }
        do {
            return try await exchange(endpoint, method: method, params: params, session: session).0
        } catch is SessionExpired {
            sessions.remove(endpoint.key)
            session = try await initialize(endpoint)
            return try await exchange(endpoint, method: method, params: params, session: session).0
        }
    }

    /// Sends one request to the MCP endpoint `url` with `headers` (a session is initialised first when there is none)
    /// and returns its JSON-RPC result; failures are `ToolError`s (`auth_rejected`, `service_unavailable`, `tool_error`).
    public func request(url: String, headers: [(String, String)] = [], method: String, params: JSONValue = [:]) async throws -> JSONValue {
        try await request(Endpoint(url: url, headers: headers), method: method, params: params)
    }

    struct SessionExpired: Error {}

    /// One JSON-RPC request and its response (result, or a classified error).
    func exchange(_ endpoint: Endpoint, method: String, params: JSONValue, session: Session?) async throws -> (JSONValue, OutboundResponse) {
        let id = Int.random(in: 1...Int(Int32.max))
        let response = try await post(endpoint, ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params], session: session)
        if response.status == 404, session?.id != nil { throw SessionExpired() }
        guard (200...299).contains(response.status) else { throw Self.failure(response) }
        let message = try Self.message(in: response, id: id)
        if let error = message["error"] {
            let code = error["code"]?.doubleValue.map { Int($0) } ?? 0
            let text = String((error["message"]?.stringValue ?? "no message").prefix(500))
            throw ToolError(code == -32602 ? .invalidArguments : .toolError, "The MCP server answered \(method) with error \(code): \(text)",
                            details: ["rpcCode": .int(code)])
        }
        return (message["result"] ?? .null, response)
    }

    /// POSTs one JSON-RPC message with the session's headers.
    func post(_ endpoint: Endpoint, _ message: JSONValue, session: Session?) async throws -> OutboundResponse {
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"), ("User-Agent", "Spojka/1.0")]
        if let session {
            headers.append(("MCP-Protocol-Version", session.version))
            if let id = session.id { headers.append(("Mcp-Session-Id", id)) }
        }
        headers += endpoint.headers
        let carried = endpoint.headers.isEmpty ? nil : CarriedCredentials(headers: endpoint.headers.map(\.0))
        let request = OutboundRequest(method: "POST", url: endpoint.url, headers: headers, body: Array(message.jsonText.utf8), credentials: carried)
        do {
            return try await transport.send(request, timeout: timeout)
        } catch let error as TransportError {
            if error.kind == .blocked || error.kind == .invalidURL { throw ToolError(.blockedDestination, error.message) }
            throw ToolError(.serviceUnavailable, "The MCP server could not be reached (\(error.kind.rawValue)): \(error.message)")
        }
    }

    /// The classified failure of a non-2xx answer.
    static func failure(_ response: OutboundResponse) -> ToolError {
        let details: [String: JSONValue] = ["status": .int(response.status)]
        switch response.status {
        case 401, 403: return ToolError(.authRejected, "The MCP server rejected the credential (HTTP \(response.status))", details: details)
        case 429, 500...599: return ToolError(.serviceUnavailable, "The MCP server is unavailable (HTTP \(response.status))", details: details)
        default: return ToolError(.toolError, "The MCP server answered HTTP \(response.status)", details: details)
        }
    }

    /// The JSON-RPC response with `id` from a JSON body (one message or a batch) or an event stream.
    static func message(in response: OutboundResponse, id: Int) throws -> JSONValue {
        let type = response.header("Content-Type")?.lowercased() ?? ""
        let candidates: [JSONValue]
        if type.hasPrefix("text/event-stream") {
            candidates = SSE.events(response.body).compactMap { try? JSONValue(parsingText: $0) }
        } else {
            guard let value = try? JSONValue(parsing: response.body) else {
                throw ToolError(.toolError, "The MCP server's answer is not JSON-RPC")
            }
            candidates = value.arrayValue ?? [value]
        }
        let expected = JSONValue.int(id)
        guard let match = candidates.first(where: { $0["id"] == expected || $0["id"]?.doubleValue == Double(id) }) else {
            throw ToolError(.toolError, "The MCP server's answer holds no response to the request")
        }
        return match
    }
}

/// Server-sent events: the `data` of each event of a stream.
enum SSE {
    /// The data of every event in `bytes` (lines end in LF or CRLF; multi-line data joined with newlines).
    static func events(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var data: [String] = []
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if line.isEmpty {
                if !data.isEmpty { out.append(data.joined(separator: "\n")) }
                data = []
            } else if line.starts(with: Array("data:".utf8)) {
                let value = line.dropFirst(5)
                data.append(String(decoding: value.first == 0x20 ? value.dropFirst() : value, as: UTF8.self))
            }
        }
        if !data.isEmpty { out.append(data.joined(separator: "\n")) }
        return out
    }
}

/// Sessions by server and credential digest; bounded.
final class MCPSessionCache: Sendable {
    private let entries = Mutex<[String: MCPRemoteClient.Session]>([:])

    func session(for key: String) -> MCPRemoteClient.Session? { entries.withLock { $0[key] } }

    func store(_ session: MCPRemoteClient.Session, for key: String) {
        entries.withLock { all in
            if all.count >= 10_000 { all.removeAll() }
            all[key] = session
        }
    }

    func remove(_ key: String) { _ = entries.withLock { $0.removeValue(forKey: key) } }
}
