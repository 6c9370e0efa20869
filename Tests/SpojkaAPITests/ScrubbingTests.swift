import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Credentials leave Spojka only in the requests they are injected into: what a service echoes back — the raw value
/// or the form it was sent in (`Basic base64(user:pass)`, a header value) — is scrubbed before anything is returned or stored.
@Suite("Scrubbing: derived forms of credentials")
struct ScrubbingTests {
    static let user = "scrub-user", password = "pw+\(UUID().uuidString.prefix(8))/Q="
    static var basic: String { Data("\(user):\(password)".utf8).base64EncodedString() }

    /// A workflow that calls the echo endpoint through `connection` and answers with what the service saw.
    static func echoFlow(_ connection: String, trigger: JSONValue, path: String = "/echo") -> JSONValue {
        Flow.definition("Echo", [
            trigger,
            Flow.node("call", "connector", ["connector": "http", "tool": "http_get", "connection": .string(connection),
                                            "arguments": ["url": .string(path)]], output: "echoed"),
            Flow.node("reply", "response", ["body": "{{ echoed }}"]),
        ], [Flow.edge(trigger["id"]?.stringValue ?? "start", "call"), Flow.edge("call", "reply")])
    }

    @Test func theBasicHeaderAServiceEchoesIsScrubbedFromResponsesRunsWebhooksAndTheDatabase() async throws {
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        let log = RequestLog()
        try await ReplicaServer.run(EchoReplica.router(log: log)) { base in
            try await app.run { api in
                let owner = try await api.setUp()
                let connections = "/api/v1/workspaces/\(owner.workspace)/connections"
                let created = try await api.request(.post, connections, token: owner.token, body: [
                    "connector": "http", "name": "Basic echo", "settings": ["authMethod": "basic", "baseUrl": .string(base)],
                    "credentials": ["username": .string(Self.user), "password": .string(Self.password)]])
                let connection = try #require(created.json["id"]?.stringValue, "\(created.text)")
                func call(_ path: String) async throws -> JSONResponse {
                    try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token, body: [
                        "connector": "http", "tool": "http_get", "connection": .string(connection), "arguments": ["url": .string(path)]])
                }
                let echoed = try await call("/echo")
                #expect(echoed.status == 200, "\(echoed.text)")
                #expect(log.all.last?.headers["authorization"] == "Basic \(Self.basic)", "the service received the Basic header")
                #expect(!echoed.text.contains(Self.basic), "a tool output shows the Basic value")
                #expect(echoed.json["output"]?["body"]?["headers"]?["authorization"]?.stringValue?.contains("[redacted]") == true, "\(echoed.text)")
                let failed = try await call("/fail")
                #expect(failed.status >= 400 && !failed.text.contains(Self.basic), "a tool error shows the Basic value")
                let denied = try await call("/deny")
                #expect(denied.errorCode == "auth_rejected" && !denied.text.contains(Self.basic), "\(denied.text)")
                let events = try await api.request(.get, "\(connections)/\(connection)/events", token: owner.token)
                let read = try await api.request(.get, "\(connections)/\(connection)", token: owner.token)
                #expect(read.json["status"] == "reauthorize", "\(read.text)")
                #expect(!events.text.contains(Self.basic) && !read.text.contains(Self.basic), "a connection event or status shows the Basic value")

                // The same through a workflow: run through the API, then through a signed sync webhook.
                let manual = try await api.saveWorkflow(owner, Self.echoFlow(connection, trigger: Flow.manual))
                let ran = try await api.runAndWait(owner, manual)
                #expect(ran.json["status"] == "completed", "\(ran.text)")
                #expect(!ran.text.contains(Self.basic), "a run's output shows the Basic value")
                let runID = try #require(ran.json["id"]?.stringValue)
                let record = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs/\(runID)", token: owner.token)
                #expect(record.status == 200 && !record.text.contains(Self.basic), "a run record shows the Basic value")
                let failing = try await api.saveWorkflow(owner, Self.echoFlow(connection, trigger: Flow.manual, path: "/fail"))
                let failedRun = try await api.runAndWait(owner, failing)
                #expect(failedRun.json["status"] == "failed" && !failedRun.text.contains(Self.basic), "a run error shows the Basic value")

                let signing = "whsec_scrub_0123456789abcdef"
                let hookConnection = try await api.request(.post, connections, token: owner.token, body: [
                    "connector": "webhook", "name": "Hook", "credentials": ["secret": .string(signing)]])
                let trigger = Flow.node("hook", "trigger", ["kind": "webhook", "mode": "sync", "timeoutSeconds": 20,
                                                            "signing": .string(try #require(hookConnection.json["id"]?.stringValue))])
                let hooked = try await api.saveWorkflow(owner, Self.echoFlow(connection, trigger: trigger))
                let workflow = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/workflows/\(hooked)", token: owner.token)
                let url = try #require(workflow.json["webhookUrl"]?.stringValue)
                let body = #"{"order": 7}"#
                let headers = WebhookSignature(settings: [:]).sign(body: Array(body.utf8), secret: Secret(signing), now: app.clock.now())
                let answer = try await api.request(.post, String(url.dropFirst("http://spojka.test".count)), raw: body, extraHeaders: headers)
                #expect(answer.status == 200, "\(answer.text)")
                #expect(!answer.text.contains(Self.basic), "a sync webhook response shows the Basic value")
                let runs = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs", token: owner.token)
                #expect(runs.json["items"]?.arrayValue?.count == 3 && !runs.text.contains(Self.basic), "the runs list shows the Basic value")
            }
        }
        let database = try CanaryScan.databaseBytes(app.config.sqlitePath)
        let (holdsBasic, holdsPassword) = (CanaryScan.contains(database, Array(Self.basic.utf8)), CanaryScan.contains(database, Array(Self.password.utf8)))
        #expect(!holdsBasic, "the database holds the Basic value")
        #expect(!holdsPassword, "the database holds the password")
    }
}
