import Foundation
import Hummingbird
@testable import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaTestSupport
import Synchronization
import Testing

/// The tool runtime over real HTTP on loopback.
@Suite("Tool runtime over loopback")
struct RuntimeTests {
    static let catalog: Catalog? = BuiltinConnectors.manifestsDirectory.flatMap { try? Catalog.load(directory: $0) }

    func http() throws -> ConnectorManifest { try #require(Self.catalog?.connector("http")) }

    /// A runtime over a fresh transport for one call (the transport is shut down after it).
    func runtime(sleeps: Recorder<Duration>? = nil) -> OneShotRuntime { OneShotRuntime(sleeps: sleeps) }

    struct OneShotRuntime {
        let sleeps: Recorder<Duration>?
        func call(_ call: ToolCall) async throws -> JSONValue {
            let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
            let sleeps = self.sleeps
            let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations,
                                      retry: RetryPolicy(attempts: 3, baseDelay: .milliseconds(1), timeout: .seconds(5))) { duration in
                sleeps?.append(duration)
            }
            do {
                let output = try await runtime.call(call)
                try await transport.shutdown()
                return output
            } catch {
                try? await transport.shutdown()
                throw error
            }
        }
    }

    func replica(_ log: RequestLog) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.get("/items") { request, _ in
            let page = request.uri.queryParameters.get("page") ?? "1"
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"page":\#(page),"q":"\#(request.uri.queryParameters.get("q") ?? "")"}"#)))
        }
        router.post("/items") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        router.get("/secure") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer good-token" else {
                return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"invalid api key"}}"#)))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
        }
        router.get("/missing") { _, _ in
            Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"No such customer: cus_9"}"#)))
        }
        let flaky = Mutex(0)
        router.get("/flaky") { _, _ -> Response in
            let n = flaky.withLock { $0 += 1; return $0 }
            if n < 3 { return Response(status: .serviceUnavailable, headers: [.retryAfter: "2"]) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"attempt":\#(n)}"#)))
        }
        router.get("/down") { _, _ in Response(status: .badGateway) }
        router.get("/to-metadata") { _, _ in Response(status: .found, headers: [.location: "http://169.254.169.254/latest/meta-data"]) }
        return router
    }

    @Test func sendsDeclaredRequestsAndReturnsStatusHeadersBody() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(replica(log)) { base in
            let get = try await runtime().call(ToolCall(connector: try http(), tool: "http_get",
                                                         arguments: ["url": .string(base + "/items"), "query": ["q": "a b&c", "page": 2],
                                                                     "headers": ["X-Trace": "t-1"]]))
            #expect(get["status"] == 200)
            #expect(get["body"] == ["page": 2, "q": "a b&c"])
            let post = try await runtime().call(ToolCall(connector: try http(), tool: "http_post",
                                                          arguments: ["url": .string(base + "/items"), "body": ["name": "Widget", "n": 3]]))
            #expect(post["status"] == 201 && post["body"] == ["name": "Widget", "n": 3])
            let recorded = log.all
            #expect(recorded[0].uri == "/items?page=2&q=a%20b%26c")
            #expect(recorded[0].headers["x-trace"] == "t-1")
            #expect(recorded[1].headers["content-type"] == "application/json")
        }
    }

    @Test func connectionCredentialsAreInjectedPerAuthMethod() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(replica(log)) { base in
            let ok = try await runtime().call(ToolCall(connector: try http(), tool: "http_get", arguments: ["url": "/secure"],
                                                        credentials: ["token": Secret("good-token")],
                                                        settings: ["authMethod": "bearer", "baseUrl": .string(base)]))
            #expect(ok["body"] == ["ok": true])
            _ = try? await runtime().call(ToolCall(connector: try http(), tool: "http_get", arguments: ["url": "/items"],
                                                    credentials: ["token": Secret("k-123")],
                                                    settings: ["authMethod": "header", "headerName": "X-Api-Key", "baseUrl": .string(base)]))
            _ = try? await runtime().call(ToolCall(connector: try http(), tool: "http_get", arguments: ["url": "/items"],
                                                    credentials: ["username": Secret("ana"), "password": Secret("pw")],
                                                    settings: ["authMethod": "basic", "baseUrl": .string(base)]))
            let all = log.all
            #expect(all[1].headers["x-api-key"] == "k-123" && all[1].headers["authorization"] == nil)
            #expect(all[2].headers["authorization"] == "Basic " + Data("ana:pw".utf8).base64EncodedString())
        }
    }

    @Test func failuresAreClassified() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(replica(log)) { base in
            func code(_ path: String, token: String = "bad") async -> (ToolError.Code?, String) {
                do {
                    _ = try await runtime().call(ToolCall(connector: try http(), tool: "http_get", arguments: ["url": .string(base + path)],
                                                          credentials: ["token": Secret(token)], settings: ["authMethod": "bearer", "baseUrl": .string(base)]))
                    return (nil, "")
                } catch let error as ToolError { return (error.code, error.message) } catch { return (nil, "\(error)") }
            }
            let rejected = await code("/secure")
            #expect(rejected.0 == .authRejected && rejected.1.contains("invalid api key"))
            let missing = await code("/missing")
            #expect(missing.0 == .toolError && missing.1 == "No such customer: cus_9")
            #expect(await code("/down").0 == .serviceUnavailable)
            #expect(log.all.filter { $0.uri == "/down" }.count == 3)
            let blocked = await code("/to-metadata")
            #expect(blocked.0 == .blockedDestination)
        }
        // Nothing listens on this port once the replica stopped: a network failure.
        let refused = try? await runtime().call(ToolCall(connector: try http(), tool: "http_get", arguments: ["url": "http://127.0.0.1:9/x"]))
        #expect(refused == nil)
    }

    @Test func retriesHonourRetryAfter() async throws {
        let log = RequestLog()
        let sleeps = Recorder<Duration>()
        try await ReplicaServer.run(replica(log)) { base in
            let answer = try await runtime(sleeps: sleeps).call(ToolCall(connector: try http(), tool: "http_get", arguments: ["url": .string(base + "/flaky")]))
            #expect(answer["body"] == ["attempt": 3])
        }
        #expect(sleeps.all == [.seconds(2), .seconds(2)])
    }

    @Test func invalidArgumentsNeverReachTheNetwork() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(replica(log)) { base in
            do {
                _ = try await runtime().call(ToolCall(connector: try http(), tool: "http_get", arguments: ["url": .string(base + "/items"), "verb": "x", "query": 5]))
                Issue.record("invalid arguments were accepted")
            } catch let error as ToolError {
                #expect(error.code == .invalidArguments)
                #expect(error.message.contains("/query"))
            }
        }
        #expect(log.all.isEmpty)
    }

    @Test func outputThatBreaksTheSchemaIsAnError() async throws {
        var manifest = try http()
        manifest.tools[1].outputSchema = ["type": "object", "required": ["status"], "properties": ["body": ["type": "string"]]]
        let broken = manifest
        let log = RequestLog()
        try await ReplicaServer.run(replica(log)) { base in
            do {
                _ = try await runtime().call(ToolCall(connector: broken, tool: "http_get", arguments: ["url": .string(base + "/items")]))
                Issue.record("garbage was passed on")
            } catch let error as ToolError {
                #expect(error.code == .invalidOutput && error.message.contains("/body"))
            }
        }
    }

    @Test func theNetworkPolicyRefusesMetadataAlwaysAndPrivateUnlessAllowed() async throws {
        let strict = NetworkPolicy(allowPrivateNetwork: false)
        let open = NetworkPolicy(allowPrivateNetwork: true)
        for address in ["169.254.169.254", "169.254.0.1", "fe80::1", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254", "0.0.0.0"] {
            #expect(strict.refusal(for: address) != nil && open.refusal(for: address) != nil, "\(address)")
        }
        for address in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "::1", "fc00::1", "100.64.0.1", "::ffff:10.0.0.1"] {
            #expect(strict.refusal(for: address) != nil && open.refusal(for: address) == nil, "\(address)")
        }
        for address in ["93.184.216.34", "2606:4700::1111", "172.32.0.1"] {
            #expect(strict.refusal(for: address) == nil, "\(address)")
        }
        let strictTransport = PolicyHTTPTransport(policy: strict)
        do {
            _ = try await strictTransport.send(OutboundRequest(method: "GET", url: "http://127.0.0.1:1/"), timeout: .seconds(1))
            Issue.record("loopback was allowed")
        } catch let error as TransportError {
            #expect(error.kind == .blocked)
        } catch {
            Issue.record("unexpected \(error)")
        }
        try await strictTransport.shutdown()
    }
}

@Suite("Runtime safety details")
struct RuntimeSafetyTests {
    @Test func linkPaginationNeverLeavesTheOrigin() {
        #expect(HTTPToolCall.sameOrigin("http://127.0.0.1:8080/a?page=2", "http://127.0.0.1:8080/a"))
        #expect(!HTTPToolCall.sameOrigin("http://evil.example/a?page=2", "http://127.0.0.1:8080/a"))
        #expect(!HTTPToolCall.sameOrigin("http://127.0.0.1:9090/a", "http://127.0.0.1:8080/a"))
    }
}
