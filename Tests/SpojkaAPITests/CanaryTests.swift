import Foundation
import HTTPTypes
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Secrets never leave (DESIGN §2.6), checked the way an attacker would: unique canary credentials go through a full
/// scenario against a service that echoes every request, then every surface is searched for them in every form.
@Suite("Canary: no credential leaves through any surface")
struct CanaryTests {
    /// Unique values with characters that encode differently in URLs, JSON and base64 alignments.
    struct Canaries {
        let tag = UUID().uuidString.prefix(8).lowercased()
        var user: String { "cnry-user-\(tag)" }
        var password: String { "cnry-pw+\(tag)/Q=" }
        var rotated: String { "cnry-pw2+\(tag)/Z=" }
        var apiKey: String { "cnry-key-\(tag)+/=" }
        var token: String { "cnry-tok-\(tag)" }
        var signing: String { "whsec_cnry\(tag)" }
        var login: String { "cnry-login-\(tag)" }
        var all: [String] { [user, password, rotated, apiKey, token, signing, login] }
    }

    /// Every answer of the scenario, by request.
    final class Surfaces: Sendable {
        let seen = Recorder<(String, String)>()
        func add(_ surface: String, _ response: JSONResponse) -> JSONResponse { seen.append((surface, response.text)); return response }
    }

    @Test func afterAFullScenarioNoSurfaceHoldsACanaryInAnyForm() async throws {
        let canary = Canaries()
        let surfaces = Surfaces()
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        let log = RequestLog()
        let transcript = try await ReplicaServer.run(EchoReplica.router(log: log)) { base in
            try await app.run { api in
                func send(_ method: HTTPRequest.Method, _ path: String, token: String?, body: JSONValue? = nil) async throws -> JSONResponse {
                    surfaces.add("\(method) \(path)", try await api.request(method, path, token: token, body: body))
                }
                let setup = try await send(.post, "/api/v1/setup", token: nil, body: [
                    "email": "owner@example.com", "name": "Owner", "workspace": "Acme", "password": .string(canary.login)])
                let token = try #require(setup.json["token"]?.stringValue), ws = try #require(setup.json["workspace"]?["id"]?.stringValue)
                _ = try await send(.post, "/api/v1/auth/login", token: nil, body: ["email": "owner@example.com", "password": .string(canary.login)])
                let viewer = try await api.addMember("viewer@example.com", role: "viewer", workspace: ws, by: token)
                let root = "/api/v1/workspaces/\(ws)"
                func connection(_ name: String, _ settings: JSONValue, _ credentials: JSONValue, connector: String = "http") async throws -> String {
                    var settings = settings
                    if connector == "http", case .object(var members) = settings { members["baseUrl"] = .string(base); settings = .object(members) }
                    let created = try await send(.post, "\(root)/connections", token: token, body: [
                        "connector": .string(connector), "name": .string(name), "settings": settings, "credentials": credentials])
                    return try #require(created.json["id"]?.stringValue, "\(created.text)")
                }
                let basic = try await connection("Basic", ["authMethod": "basic"], ["username": .string(canary.user), "password": .string(canary.password)])
                let keyed = try await connection("Key", ["authMethod": "header", "headerName": "X-API-Key"], ["token": .string(canary.apiKey)])
                let bearer = try await connection("Bearer", ["authMethod": "bearer"], ["token": .string(canary.token)])
                let signing = try await connection("Hook", [:], ["secret": .string(canary.signing)], connector: "webhook")

                // Tool calls: echoes, a POST with a body, and failures the service explains by repeating the credential.
                for id in [basic, keyed, bearer] {
                    for (path, method) in [("/echo", "http_get"), ("/echo/post", "http_post"), ("/fail", "http_get"), ("/deny", "http_get"),
                                           ("/down", "http_get"), ("/echo", "http_get")] {
                        var arguments: JSONValue = ["url": .string(path), "query": ["q": "x y"]]
                        if method == "http_post", case .object(var members) = arguments { members["body"] = ["note": "hello"]; arguments = .object(members) }
                        _ = try await send(.post, "\(root)/tool-calls", token: token, body: [
                            "connector": "http", "tool": .string(method), "connection": .string(id), "arguments": arguments])
                    }
                }

                // Workflows with connector steps: one run through the API, one through a signed sync webhook, one failing.
                func steps(_ trigger: JSONValue, fail: Bool = false) -> JSONValue {
                    Flow.definition("Canary", [
                        trigger,
                        Flow.node("b", "connector", ["connector": "http", "tool": "http_get", "connection": .string(basic), "arguments": ["url": "/echo"]], output: "b"),
                        Flow.node("k", "connector", ["connector": "http", "tool": "http_get", "connection": .string(keyed),
                                                     "arguments": ["url": .string(fail ? "/fail" : "/echo")]], output: "k"),
                        Flow.node("t", "connector", ["connector": "http", "tool": "http_get", "connection": .string(bearer), "arguments": ["url": "/echo"]], output: "t"),
                        Flow.node("reply", "response", ["body": ["b": "{{ b }}", "k": "{{ k }}", "t": "{{ t }}"]]),
                    ], [Flow.edge(trigger["id"]?.stringValue ?? "start", "b"), Flow.edge("b", "k"), Flow.edge("k", "t"), Flow.edge("t", "reply")])
                }
                let owner: Owner = (token, ws, "")
                let manual = try await api.saveWorkflow(owner, steps(Flow.manual))
                let failing = try await api.saveWorkflow(owner, steps(Flow.manual, fail: true))
                let hooked = try await api.saveWorkflow(owner, steps(Flow.node("hook", "trigger", [
                    "kind": "webhook", "mode": "sync", "timeoutSeconds": 20, "signing": .string(signing)])))
                let hookURL = try #require(try await send(.get, "\(root)/workflows/\(hooked)", token: token).json["webhookUrl"]?.stringValue)
                func runAll() async throws {
                    for id in [manual, failing] {
                        _ = surfaces.add("run \(id)", try await api.runAndWait(owner, id))
                    }
                    let body = #"{"order": 1}"#
                    let headers = WebhookSignature(settings: [:]).sign(body: Array(body.utf8), secret: Secret(canary.signing), now: app.clock.now())
                    let hook = try await api.request(.post, String(hookURL.dropFirst("http://spojka.test".count)), raw: body, extraHeaders: headers)
                    #expect(hook.status == 200, "\(hook.text)")
                    _ = surfaces.add("POST hook", hook)
                }
                try await runAll()

                // Rotation in place, verification, then everything once more with the new password.
                let rotated = try await send(.put, "\(root)/connections/\(basic)/credentials", token: token, body: [
                    "credentials": ["username": .string(canary.user), "password": .string(canary.rotated)]])
                #expect(rotated.status == 200, "\(rotated.text)")
                _ = try await send(.post, "\(root)/connections/\(basic)/verify", token: token)
                try await runAll()
                #expect(log.all.contains { $0.headers["authorization"] == "Basic " + Data("\(canary.user):\(canary.rotated)".utf8).base64EncodedString() })

                // Every reading surface, as owner and as viewer.
                let runs = try await send(.get, "\(root)/runs?limit=200", token: token)
                for run in runs.json["items"]?.arrayValue ?? [] {
                    _ = try await send(.get, "\(root)/runs/\(run["id"]?.stringValue ?? "")", token: token)
                }
                for reader in [token, viewer.token] {
                    _ = try await send(.get, "\(root)/connections", token: reader)
                    _ = try await send(.get, "\(root)/runs", token: reader)
                    for id in [basic, keyed, bearer, signing] {
                        for suffix in ["", "/events", "/usage", "/access-log"] { _ = try await send(.get, "\(root)/connections/\(id)\(suffix)", token: reader) }
                    }
                    for id in [manual, failing, hooked] {
                        for suffix in ["", "/export", "/versions"] { _ = try await send(.get, "\(root)/workflows/\(id)\(suffix)", token: reader) }
                    }
                }
                _ = try await send(.get, "\(root)/audit", token: token)
                _ = try await send(.get, "\(root)/workflows", token: token)
                _ = try await send(.get, "\(root)/approvals", token: token)
                _ = try await send(.get, "/metrics", token: token)
                #expect(runs.json["items"]?.arrayValue?.count == 6, "\(runs.text)")
                return api.transcript.all
            }
        }
        let scan = CanaryScan(canary.all)
        var findings: [CanaryScan.Finding] = []
        for (surface, text) in surfaces.seen.all { findings += scan.findings(in: text, surface: surface) }
        for (index, text) in transcript.enumerated() { findings += scan.findings(in: text, surface: "API response #\(index)") }
        for line in app.logs.all { findings += scan.findings(in: line, surface: "log") }
        findings += scan.findings(in: try CanaryScan.databaseBytes(app.config.sqlitePath), surface: "SQLite database file")
        #expect(surfaces.seen.all.count > 90 && app.logs.all.count > 10, "the scenario covered the surfaces")
        #expect(surfaces.seen.all.filter { $0.1.contains("[redacted]") }.count > 20, "the service's echoes reached the surfaces, scrubbed")
        let leaks = findings.count
        #expect(leaks == 0, "\(findings.prefix(20).map(\.description).joined(separator: "\n"))")
    }
}
