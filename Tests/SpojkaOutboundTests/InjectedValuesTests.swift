import Foundation
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaTestSupport
import Testing

/// The runtime reports the credential values a call injects exactly as they go on the wire, so the caller can scrub them.
@Suite("Tool runtime: injected credential values")
struct InjectedValuesTests {
    static let token = "tok en+/=&\(UUID().uuidString.prefix(6))", user = "ops", password = "pa ss+/\(UUID().uuidString.prefix(6))"

    /// The generic HTTP connector with a query-parameter key and Basic auth applied together.
    func connector() throws -> ConnectorManifest {
        var http = try #require(RuntimeTests.catalog?.connector("http"))
        http.auth.apply = try JSONDecoder().decode([CredentialPlacement].self, from: Data("""
            [{"in": "query", "name": "key", "value": "{{ credentials.token }}"},
             {"in": "header", "name": "X-Api-Key", "value": "Token {{ credentials.token }}"},
             {"in": "basic", "username": "{{ credentials.username }}", "password": "{{ credentials.password }}"},
             {"in": "header", "name": "X-Unused", "value": "never {{ credentials.token }}", "when": "{{ settings.authMethod == 'nothing' && 'x' || '' }}"}]
            """.utf8))
        return http
    }

    @Test func everyInjectedValueIsReportedAsSent() async throws {
        let log = RequestLog()
        let http = try connector()
        try await ReplicaServer.run(EchoReplica.router(log: log)) { base in
            let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
            let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations, retry: RetryPolicy(attempts: 1))
            let call = ToolCall(connector: http, tool: "http_get", arguments: ["url": "/echo"],
                                credentials: ["token": Secret(Self.token), "username": Secret(Self.user), "password": Secret(Self.password)],
                                settings: ["baseUrl": .string(base)])
            let injected = runtime.injectedValues(call)
            let output = try await runtime.call(call)
            try await transport.shutdown()
            let sent = try #require(log.all.last)
            let basic = "Basic " + Data("\(Self.user):\(Self.password)".utf8).base64EncodedString()
            #expect(sent.headers["authorization"] == basic && injected.contains(basic))
            #expect(sent.headers["x-api-key"] == "Token \(Self.token)" && injected.contains("Token \(Self.token)"))
            let encoded = FormEncoding.escape(Self.token)
            #expect(sent.uri.contains("key=\(encoded)") && injected.contains(encoded) && injected.contains(Self.token), "\(sent.uri)")
            #expect(!injected.contains { $0.hasPrefix("never") }, "a rule whose `when` is empty injects nothing")
            #expect(output["body"]?["uri"]?.stringValue?.contains(encoded) == true, "the service echoed the encoded key")
        }
    }

    @Test func noCredentialsInjectNothing() async throws {
        let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
        let runtime = ToolRuntime(transport: transport, implementations: [:])
        let injected = runtime.injectedValues(ToolCall(connector: try connector(), tool: "http_get", arguments: ["url": "/x"]))
        try await transport.shutdown()
        #expect(injected.isEmpty)
    }
}
