import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SpojkaConnectorKit

/// The production transport: AsyncHTTPClient, connecting only to addresses the network policy checked.
///
/// Each hop resolves the host once through the policy and connects to that checked address (DNS
/// rebinding cannot swap it). Redirects are followed here (at most 5), never by the client, so each hop
/// is checked; a redirect to another origin drops every credential the request carried (see
/// `CredentialStripping`). Framing and hop-by-hop headers are never taken from the request.
public final class PolicyHTTPTransport: HTTPTransport {
    let clients: PinnedClients
    let policy: NetworkPolicy
    let maxBodyBytes: Int
    static let maxRedirects = 5

    /// Creates a transport with its own clients; call `shutdown()` when done. `localAddress` binds
    /// outgoing sockets to that address (tests bind to 127.0.0.1 so that nothing can leave the machine).
    ///
    /// A refused connection fails at once (the client does not keep re-dialling until its connect timeout: the
    /// caller's retry policy decides about another attempt); a connect that gets no answer fails after `connectTimeout`.
    public init(policy: NetworkPolicy, maxBodyBytes: Int = 16 << 20, localAddress: String? = nil, connectTimeout: Duration = .seconds(5)) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = max(.milliseconds(1), TimeAmount(connectTimeout))
        configuration.localAddress = localAddress
        self.clients = PinnedClients(configuration: configuration)
        self.policy = policy
        self.maxBodyBytes = maxBodyBytes
    }

    /// Closes the clients' connections.
    public func shutdown() async throws { try await clients.shutdown() }

    /// Sends `request`, following allowed redirects.
    public func send(_ request: OutboundRequest, timeout: Duration) async throws -> OutboundResponse {
        var current = request
        let origin = URLOrigin(request.url)
        for _ in 0...Self.maxRedirects {
            let (host, address) = try await destination(current.url)
            let response = try await clients.with(host: host, address: address) { try await execute(current, on: $0, timeout: timeout) }
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location"),
                  let next = URL(string: location, relativeTo: URL(string: current.url))?.absoluteURL else { return response }
            current.url = next.absoluteString
            if response.status == 303 || ((response.status == 301 || response.status == 302) && current.method == "POST") {
                current.method = "GET"
                current.body = nil
            }
            if URLOrigin(current.url) != origin { try CredentialStripping.strip(&current) }
        }
        throw TransportError(.network, "too many redirects")
    }

    /// The URL's host (as the client parses it) and the checked address to connect to.
    func destination(_ url: String) async throws -> (host: String, address: String) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            throw TransportError(.invalidURL, "only absolute http and https URLs can be called")
        }
        do {
            return (host, try await policy.address(for: host))
        } catch let refusal as NetworkPolicy.Refusal {
            throw TransportError(refusal.unresolved ? .network : .blocked, refusal.message)
        }
    }

    func execute(_ request: OutboundRequest, on client: HTTPClient, timeout: Duration) async throws -> OutboundResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers where !FramingHeaders.isFraming(name) { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let seconds = timeout.components.seconds
            let response = try await client.execute(outgoing, timeout: .seconds(max(1, seconds)))
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return OutboundResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                                    body: Array(buffer: body))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw TransportError(.timeout, "no answer in time")
        } catch is TransportError {
            throw TransportError(.network, "the connection failed")
        } catch {
            throw TransportError(.network, "the connection failed (\(String(describing: type(of: error))))")
        }
    }
}
