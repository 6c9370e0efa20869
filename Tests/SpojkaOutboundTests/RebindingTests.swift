import Foundation
import Hummingbird
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaTestSupport
import Synchronization
import Testing

/// A resolver the test controls: the n-th lookup of a name gets the n-th answer (the last one repeats);
/// other names resolve through the system.
final class ScriptedResolver: HostResolver {
    let name: String
    let answers: [[String]]
    private let lookups = Mutex(0)

    init(_ name: String, _ answers: [[String]]) { self.name = name; self.answers = answers }

    /// How many times `name` was looked up.
    var count: Int { lookups.withLock { $0 } }

    func addresses(of host: String) async throws -> [String] {
        guard host == name else { return try await SystemResolver().addresses(of: host) }
        let n = lookups.withLock { $0 += 1; return $0 }
        return answers[min(n, answers.count) - 1]
    }
}

/// DNS rebinding: the address the policy checked is the address connected to.
@Suite("Network policy against DNS rebinding")
struct RebindingTests {
    func replica(_ log: RequestLog) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.get("/items") { request, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"host":"\#(request.head.authority ?? "")"}"#)))
        }
        return router
    }

    /// `localhost` first answers a public address, then 127.0.0.1 (as a rebinding DNS server does); with
    /// private networks disallowed the loopback replica must never be reached. Sockets are bound to
    /// 127.0.0.1, so the connection to the public address fails at once without leaving the machine.
    @Test func aNameThatRebindsToLoopbackNeverReachesIt() async throws {
        let log = RequestLog()
        let resolver = ScriptedResolver("localhost", [["198.51.100.7"], ["127.0.0.1"]])
        let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: false, resolver: resolver), localAddress: "127.0.0.1")
        try await ReplicaServer.run(replica(log)) { base in
            let url = base.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/items"
            for _ in 0..<3 {
                await #expect(throws: TransportError.self) { _ = try await transport.send(OutboundRequest(method: "GET", url: url), timeout: .seconds(2)) }
            }
        }
        try await transport.shutdown()
        #expect(log.all.isEmpty)
        #expect(resolver.count == 3)
    }

    /// A name only the injected resolver knows: the request reaches the address it answered, with the
    /// name in `Host`; one lookup per request.
    @Test func theCheckedAddressIsTheOneConnectedTo() async throws {
        let log = RequestLog()
        let resolver = ScriptedResolver("api.rebind.test", [["127.0.0.1"]])
        let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true, resolver: resolver))
        try await ReplicaServer.run(replica(log)) { base in
            let port = try #require(URL(string: base)?.port)
            for _ in 0..<2 {
                let answer = try? await transport.send(OutboundRequest(method: "GET", url: "http://api.rebind.test:\(port)/items"), timeout: .seconds(5))
                #expect(answer?.status == 200 && answer.map { String(decoding: $0.body, as: UTF8.self) } == #"{"host":"api.rebind.test:\#(port)"}"#)
            }
            #expect(log.all.count == 2)
        }
        try await transport.shutdown()
        #expect(resolver.count == 2)
    }

    @Test func ipv6FormsThatEmbedIPv4AreClassifiedByTheirIPv4Address() {
        let strict = NetworkPolicy(allowPrivateNetwork: false)
        let open = NetworkPolicy(allowPrivateNetwork: true)
        // Loopback and private addresses in every IPv6 wrapping: refused unless private networks are allowed.
        for address in ["::ffff:127.0.0.1", "::127.0.0.1", "::7f00:1", "::ffff:0:127.0.0.1", "64:ff9b::127.0.0.1", "64:ff9b::a00:1",
                        "2002:7f00:1::1", "2002:c0a8:101::", "64:ff9b:1::1", "fec0::1", "[::ffff:7f00:1]"] {
            #expect(strict.refusal(for: address) != nil && open.refusal(for: address) == nil, "\(address)")
        }
        // Metadata and link-local: refused always, whatever the wrapping; so are reserved and unspecified IPv4.
        for address in ["::169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "::ffff:0:169.254.169.254", "::2", "240.0.0.1",
                        "255.255.255.255", "::0.0.0.0"] {
            #expect(strict.refusal(for: address) != nil && open.refusal(for: address) != nil, "\(address)")
        }
        // Public addresses stay allowed, wrapped or not.
        for address in ["64:ff9b::5db8:d822", "::ffff:93.184.216.34", "2002:5db8:d822::1", "2606:4700::1111", "93.184.216.34"] {
            #expect(strict.refusal(for: address) == nil, "\(address)")
        }
        #expect(strict.refusal(for: "::1") != nil && open.refusal(for: "::1") == nil)
        #expect(strict.refusal(for: "::") != nil && open.refusal(for: "::") != nil)
    }

    /// Numeric spellings the system resolver accepts are judged (and connected to) as the address they mean.
    @Test func otherSpellingsOfLoopbackAreRefused() async throws {
        let strict = NetworkPolicy(allowPrivateNetwork: false)
        for host in ["2130706433", "0x7f.1", "127.1", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]"] {
            do {
                _ = try await strict.address(for: host)
                Issue.record("\(host) was allowed")
            } catch let refusal as NetworkPolicy.Refusal {
                #expect(!refusal.unresolved, "\(host): \(refusal.message)")
            } catch { Issue.record("\(host): \(error)") }
        }
        #expect(try await NetworkPolicy(allowPrivateNetwork: true).address(for: "[::ffff:127.0.0.1]") == "::ffff:127.0.0.1")
    }

    /// The PostgreSQL connector connects to the address the policy checked: a database host name that only
    /// the injected resolver knows still reaches the database.
    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func thePostgreSQLConnectorConnectsToTheCheckedAddress() async throws {
        let url = try #require(URLComponents(string: try await TestDatabase.createPostgresDatabase()))
        let address = try #require(try await SystemResolver().addresses(of: url.host ?? "127.0.0.1").first { !$0.contains(":") })
        let resolver = ScriptedResolver("db.rebind.test", [[address]])
        let policy = NetworkPolicy(allowPrivateNetwork: true, resolver: resolver)
        let transport = PolicyHTTPTransport(policy: policy)
        let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations(destinations: policy), retry: RetryPolicy(attempts: 1))
        let settings: JSONValue = ["host": "db.rebind.test", "port": .int(url.port ?? 5432), "database": .string(String(url.path.dropFirst())),
                                   "user": .string(url.user ?? "postgres"), "sslmode": "disable"]
        let output = try? await runtime.call(ToolCall(connector: try Harness.connector("postgresql"), tool: "execute_query",
                                                      arguments: ["sql": "SELECT 1 AS one"], credentials: ["password": Secret(url.password ?? "")],
                                                      settings: settings))
        try await transport.shutdown()
        #expect(output?["rows"] == [["one": 1]])
        #expect(resolver.count == 1)
    }
}
