import Foundation
import Hummingbird
@testable import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaTestSupport
import Testing

/// Credentials are bound to their connection's origin: two replicas on loopback, the service and an
/// attacker that records what it received and must never see a credential.
@Suite("Credentials bound to the connection's origin")
struct CredentialBindingTests {
    static let token = "tok-7f3a-secret"

    /// The HTTP connector with every kind of placement: bearer header, API-key header, query parameter and cookie.
    func connector(crossOrigin: AuthSpec.CrossOrigin? = nil) throws -> ConnectorManifest {
        var manifest = try Harness.connector("http")
        manifest.auth.apply = [
            CredentialPlacement(in: "header", name: "Authorization", value: "Bearer {{ credentials.token }}"),
            CredentialPlacement(in: "header", name: "X-Api-Key", value: "{{ credentials.token }}"),
            CredentialPlacement(in: "header", name: "Cookie", value: "session={{ credentials.token }}"),
            CredentialPlacement(in: "query", name: "api_key", value: "{{ credentials.token }}"),
        ]
        manifest.auth.crossOrigin = crossOrigin
        return manifest
    }

    func call(_ manifest: ConnectorManifest, _ tool: String, _ arguments: JSONValue, baseURL: String?) async throws -> JSONValue {
        var settings: [String: JSONValue] = ["authMethod": "bearer"]
        if let baseURL { settings["baseUrl"] = .string(baseURL) }
        let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
        let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations, retry: RetryPolicy(attempts: 1))
        do {
            let output = try await runtime.call(ToolCall(connector: manifest, tool: tool, arguments: arguments,
                                                         credentials: ["token": Secret(Self.token)], settings: .object(settings)))
            try await transport.shutdown()
            return output
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    func failure(_ manifest: ConnectorManifest, _ tool: String, _ arguments: JSONValue, baseURL: String?) async -> ToolError? {
        do {
            _ = try await call(manifest, tool, arguments, baseURL: baseURL)
            return nil
        } catch { return error as? ToolError }
    }

    /// Whether the token appears anywhere in what a replica recorded.
    func leaked(_ log: RequestLog) -> Bool {
        log.all.contains { request in
            request.uri.contains(Self.token) || request.body.contains(Self.token) || request.headers.values.contains { $0.contains(Self.token) }
        }
    }

    func attacker(_ log: RequestLog) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.get("/collect") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"got":true}"#))) }
        router.post("/collect") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"got":true}"#))) }
        return router
    }

    /// The service: `/items` answers, `/hop` redirects (307, keeping its own query) to `target`.
    func service(_ log: RequestLog, redirectTo target: String) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.get("/items") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#))) }
        let hop: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            Response(status: .temporaryRedirect, headers: [.location: target + "?" + (request.uri.query ?? "")])
        }
        router.get("/hop", use: hop)
        router.post("/hop", use: hop)
        return router
    }

    @Test func anAbsoluteURLToAnotherOriginIsRefusedAndNothingIsSent() async throws {
        let stolen = RequestLog(), served = RequestLog()
        try await ReplicaServer.run(attacker(stolen)) { evil in
            try await ReplicaServer.run(service(served, redirectTo: evil + "/collect")) { base in
                let manifest = try connector()
                let ok = try await call(manifest, "http_get", ["url": "/items"], baseURL: base)
                #expect(ok["status"] == 200)
                #expect(served.all.first?.headers["authorization"] == "Bearer \(Self.token)")
                #expect(served.all.first?.uri.contains("api_key=\(Self.token)") == true)
                for tool in ["http_get", "http_post"] {
                    let refused = await failure(manifest, tool, ["url": .string(evil + "/collect")], baseURL: base)
                    #expect(refused?.code == .blockedDestination && refused?.details["reason"] == "credential_origin_mismatch")
                    #expect(refused?.message.contains(Self.token) == false)
                }
                // Another port on the same host is another origin; so is a connection without a base URL.
                let noBase = await failure(manifest, "http_get", ["url": .string(evil + "/collect")], baseURL: nil)
                #expect(noBase?.code == .blockedDestination)
                // Without credentials (no auth method) any URL may be called.
                var open = manifest
                open.auth.apply = []
                _ = try await call(open, "http_get", ["url": .string(evil + "/collect")], baseURL: base)
            }
        }
        #expect(stolen.all.count == 1)
        #expect(!leaked(stolen))
    }

    @Test func aConnectorCanDeclareThatOtherOriginsGetNoCredentials() async throws {
        let stolen = RequestLog(), served = RequestLog()
        try await ReplicaServer.run(attacker(stolen)) { evil in
            try await ReplicaServer.run(service(served, redirectTo: evil + "/collect")) { base in
                let answer = try await call(try connector(crossOrigin: .omitCredentials), "http_get",
                                            ["url": .string(evil + "/collect"), "query": ["q": "1"]], baseURL: base)
                #expect(answer["body"] == ["got": true])
            }
        }
        #expect(stolen.all.count == 1)
        #expect(stolen.all.first?.uri == "/collect?q=1")
        #expect(stolen.all.first?.headers["authorization"] == nil && stolen.all.first?.headers["cookie"] == nil)
        #expect(!leaked(stolen))
    }

    @Test func aRedirectToAnotherOriginDropsEveryInjectedCredential() async throws {
        let stolen = RequestLog(), served = RequestLog()
        try await ReplicaServer.run(attacker(stolen)) { evil in
            try await ReplicaServer.run(service(served, redirectTo: evil + "/collect")) { base in
                let manifest = try connector()
                let get = try await call(manifest, "http_get", ["url": "/hop", "query": ["q": "1"]], baseURL: base)
                #expect(get["body"] == ["got": true])
                let post = try await call(manifest, "http_post", ["url": "/hop", "body": ["name": "x"], "headers": ["Cookie": "mine=1"]],
                                          baseURL: base)
                #expect(post["body"] == ["got": true])
            }
        }
        #expect(served.all.count == 2 && served.all.allSatisfy { $0.headers["x-api-key"] == Self.token })
        #expect(stolen.all.count == 2)
        // The service echoed its query (with api_key) into the Location: the parameter is removed, the rest kept.
        #expect(stolen.all.first?.uri == "/collect?q=1")
        #expect(stolen.all.last?.method == "POST" && stolen.all.last?.body == #"{"name":"x"}"#)
        #expect(stolen.all.allSatisfy { $0.headers["authorization"] == nil && $0.headers["x-api-key"] == nil && $0.headers["cookie"] == nil })
        #expect(!leaked(stolen))
    }

    @Test func aRedirectThatWouldResendABodyCarryingACredentialIsRefused() async throws {
        var manifest = try connector()
        let index = try #require(manifest.tools.firstIndex { $0.name == "http_post" })
        manifest.tools[index].request?.json = ["key": "{{ credentials.token }}", "data": "{{ arguments.body }}"]
        let bodyCarrying = manifest
        let stolen = RequestLog(), served = RequestLog()
        try await ReplicaServer.run(attacker(stolen)) { evil in
            try await ReplicaServer.run(service(served, redirectTo: evil + "/collect")) { base in
                let refused = await failure(bodyCarrying, "http_post", ["url": "/hop", "body": ["name": "x"]], baseURL: base)
                #expect(refused?.code == .blockedDestination)
            }
        }
        #expect(served.all.count == 1 && stolen.all.isEmpty)
    }

    @Test func aToolCallCannotSetHostOrFramingHeaders() async throws {
        let stolen = RequestLog(), served = RequestLog()
        try await ReplicaServer.run(attacker(stolen)) { evil in
            try await ReplicaServer.run(service(served, redirectTo: evil + "/collect")) { base in
                for name in ["Host", "host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade"] {
                    let refused = await failure(try connector(), "http_get", ["url": "/items", "headers": [name: "1"]], baseURL: base)
                    #expect(refused?.code == .invalidArguments && refused?.message.contains(name) == true, "\(name)")
                }
                // Without a connection neither: Host cannot point a request at another virtual host.
                var open = try connector()
                open.auth.apply = []
                let refused = await failure(open, "http_get", ["url": .string(base + "/items"), "headers": ["Host": "internal.example"]], baseURL: nil)
                #expect(refused?.code == .invalidArguments)
                // A caller's header of the same name as a credential is replaced, never sent twice.
                _ = try await call(try connector(), "http_get", ["url": "/items", "headers": ["X-Api-Key": "forged"]], baseURL: base)
            }
        }
        #expect(served.all.count == 1 && served.all.first?.headers["x-api-key"] == Self.token)
        #expect(stolen.all.isEmpty)
    }

    @Test func manifestsCannotSetFramingHeadersAndNameTheCrossOriginRule() throws {
        var manifest = try connector(crossOrigin: .omitCredentials)
        manifest.tools[0].request?.headers = ["Content-Length": "0"]
        let data = try JSONEncoder().encode(manifest)
        let (_, issues) = ManifestValidator.validate(data: data, file: "http/manifest.json")
        #expect(issues.map(\.path) == ["/tools/0/request/headers/Content-Length"])
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: #""omitCredentials""#, with: #""sometimes""#)
        let (_, schemaIssues) = ManifestValidator.validate(data: Data(text.utf8), file: "http/manifest.json")
        #expect(schemaIssues.contains { $0.path == "/auth/crossOrigin" })
    }
}
