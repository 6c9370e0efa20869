import AsyncHTTPClient
import SpojkaConnectorKit
import Synchronization

/// HTTP clients that connect a host name to one checked address (AsyncHTTPClient's `dnsOverride`), so the
/// address the network policy allowed is the address connected to, while the `Host` header, TLS SNI and
/// certificate checks still use the name. One client per (name, address) keeps connection reuse; at most
/// `capacity` idle clients are kept, the least recently used idle one is closed first.
final class PinnedClients: Sendable {
    struct Entry {
        let client: HTTPClient
        var users: Int
        var lastUse: UInt64
    }

    struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
        var closed = false
    }

    let configuration: HTTPClient.Configuration
    let capacity: Int
    /// For IP-literal URLs: nothing to resolve, so no override is needed.
    let direct: HTTPClient
    private let state = Mutex(State())

    init(configuration: HTTPClient.Configuration, capacity: Int = 32) {
        self.configuration = configuration
        self.capacity = capacity
        self.direct = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` with a client that connects `host` to `address` (the direct client when `host` is that address).
    func with<T: Sendable>(host: String, address: String, _ body: (HTTPClient) async throws -> T) async throws -> T {
        if host == address || host == "[\(address)]" { return try await body(direct) }
        let key = host + " " + address
        let (client, evicted) = try state.withLock { state -> (HTTPClient, [HTTPClient]) in
            guard !state.closed else { throw TransportError(.network, "the transport is shut down") }
            state.clock += 1
            if var entry = state.entries[key] {
                entry.users += 1
                entry.lastUse = state.clock
                state.entries[key] = entry
                return (entry.client, [])
            }
            var configuration = self.configuration
            configuration.dnsOverride = [host: address]
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            state.entries[key] = Entry(client: client, users: 1, lastUse: state.clock)
            var evicted: [HTTPClient] = []
            while state.entries.count > capacity,
                  let idle = state.entries.filter({ $0.value.users == 0 }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries[idle.key] = nil
                evicted.append(idle.value.client)
            }
            return (client, evicted)
        }
        for old in evicted { try? await old.shutdown() }
        defer { state.withLock { $0.entries[key]?.users -= 1 } }
        return try await body(client)
    }

    /// Closes every client.
    func shutdown() async throws {
        let clients = state.withLock { state -> [HTTPClient] in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values.map(\.client)
        }
        for client in clients { try? await client.shutdown() }
        try await direct.shutdown()
    }
}
