import Foundation
import HTTPTypes
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Webhooks: signatures, async and sync")
struct WebhookTests {
    static let secret = "whsec_CANARY_0123456789", old = "whsec_OLD_9876543210"

    func setUp(_ api: TestAPI, _ owner: Owner, settings: JSONValue = [:], mode: String = "async", previous: Bool = false) async throws -> (hook: String, workflow: String) {
        var credentials: [String: JSONValue] = ["secret": .string(Self.secret)]
        if previous { credentials["previousSecret"] = .string(Self.old) }
        let connection = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                               body: ["connector": "webhook", "name": "Orders hook", "credentials": .object(credentials), "settings": settings])
        let signing = try #require(connection.json["id"]?.stringValue, "\(connection.text)")
        let id = try await api.saveWorkflow(owner, Flow.definition("Orders", [
            Flow.node("hook", "trigger", ["kind": "webhook", "signing": .string(signing), "mode": .string(mode), "timeoutSeconds": 20]),
            Flow.node("shape", "transform", ["template": ["order": "{{ input.body.id }}", "source": "{{ input.query.source }}"]], output: "shaped"),
            Flow.node("reply", "response", ["status": 201, "headers": ["X-Order": "{{ shaped.order }}"], "body": "{{ shaped }}"]),
        ], [Flow.edge("hook", "shape"), Flow.edge("shape", "reply")]))
        let workflow = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/workflows/\(id)", token: owner.token)
        let url = try #require(workflow.json["webhookUrl"]?.stringValue)
        #expect(url.hasPrefix("http://spojka.test/hooks/hk_"))
        return (String(url.dropFirst("http://spojka.test".count)), id)
    }

    func post(_ api: TestAPI, _ path: String, body: String, headers: [String: String]) async throws -> JSONResponse {
        try await api.request(.post, path, raw: body, extraHeaders: headers)
    }

    func signed(_ body: String, settings: JSONValue = [:], secret: String = secret, at: Date) -> [String: String] {
        WebhookSignature(settings: settings).sign(body: Array(body.utf8), secret: Secret(secret), now: at)
    }

    @Test func aSignedRequestStartsARunAndUnsignedOrWrongOnesStartNothing() async throws {
        let app = try TestApp()
        try await app.run { api in
            let owner = try await api.setUp()
            let (hook, workflow) = try await setUp(api, owner)
            let body = #"{"id": 991, "total": 5}"#
            let accepted = try await post(api, hook + "?source=shop", body: body, headers: signed(body, at: app.clock.now()))
            #expect(accepted.status == 202, "\(accepted.text)")
            let runID = try #require(accepted.json["runId"]?.stringValue)
            let run = try await api.waitForRun(owner, runID, ["completed"])
            #expect(run["output"] == ["order": 991, "source": "shop"] && run["trigger"] == "webhook")
            #expect(run["input"]?["headers"]?["x-spojka-signature"] != nil && run["input"]?["body"]?["total"] == 5)
            let unsigned = try await post(api, hook, body: body, headers: [:])
            #expect(unsigned.status == 401 && unsigned.errorCode == "invalid_signature")
            let wrong = try await post(api, hook, body: body, headers: signed(body, secret: "not-the-secret-at-all", at: app.clock.now()))
            #expect(wrong.status == 401)
            let tampered = try await post(api, hook, body: #"{"id": 992}"#, headers: signed(body, at: app.clock.now()))
            #expect(tampered.status == 401)
            let stale = try await post(api, hook, body: body, headers: signed(body, at: app.clock.now().addingTimeInterval(-900)))
            #expect(stale.status == 401 && stale.text.contains("timestamp"))
            let runs = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/runs?workflow=\(workflow)", token: owner.token)
            #expect(runs.json["items"]?.arrayValue?.count == 1, "refused requests start no run")
            #expect(try await post(api, "/hooks/hk_unknown", body: body, headers: signed(body, at: app.clock.now())).status == 404)
            for text in api.transcript.all + app.logs.all { #expect(!text.contains(Self.secret)) }
        }
    }

    @Test func syncModeAnswersWithTheResponseNode() async throws {
        let app = try TestApp()
        try await app.run { api in
            let owner = try await api.setUp()
            let (hook, _) = try await setUp(api, owner, mode: "sync")
            let body = #"{"id": 5}"#
            let answer = try await post(api, hook, body: body, headers: signed(body, at: app.clock.now()))
            #expect(answer.status == 201 && answer.json == ["order": 5, "source": nil], "\(answer.text)")
            #expect(answer.headers[HTTPField.Name("X-Order")!] == "5" && answer.headers[HTTPField.Name("X-Spojka-Run")!]?.hasPrefix("run_") == true)
        }
    }

    @Test func providerSchemesAndRotationWithTwoSecrets() async throws {
        let app = try TestApp()
        try await app.run { api in
            let owner = try await api.setUp()
            let github: JSONValue = ["scheme": "github"]
            let (hook, _) = try await setUp(api, owner, settings: github, previous: true)
            let body = #"{"id": 1}"#
            #expect(try await post(api, hook, body: body, headers: signed(body, settings: github, at: app.clock.now())).status == 202)
            #expect(try await post(api, hook, body: body, headers: signed(body, settings: github, secret: Self.old, at: app.clock.now())).status == 202,
                    "the previous secret still works during a rotation")
            #expect(try await post(api, hook, body: body, headers: signed(body, settings: ["scheme": "shopify"], at: app.clock.now())).status == 401)
            let header = try #require(signed(body, settings: github, at: app.clock.now())["x-hub-signature-256"])
            #expect(header.hasPrefix("sha256=") && header.count == 7 + 64)
            let slack = WebhookSignature(settings: ["scheme": "slack"])
            let now = app.clock.now()
            let headers = slack.sign(body: Array(body.utf8), secret: Secret(Self.secret), now: now)
            #expect(slack.verify(body: Array(body.utf8), headers: headers, secrets: [Secret(Self.secret)], now: now) == nil)
            #expect(slack.verify(body: Array(body.utf8), headers: headers, secrets: [Secret(Self.secret)], now: now.addingTimeInterval(301)) != nil)
            let custom = WebhookSignature(settings: ["scheme": "custom", "header": "X-Sig", "algorithm": "sha512", "encoding": "base64"])
            let customHeaders = custom.sign(body: [1, 2, 3], secret: Secret("k"), now: now)
            #expect(customHeaders["x-sig"].flatMap { Data(base64Encoded: $0) }?.count == 64)
            #expect(custom.verify(body: [1, 2, 3], headers: customHeaders, secrets: [Secret("k")], now: now) == nil)
            #expect(custom.verify(body: [1, 2, 4], headers: customHeaders, secrets: [Secret("k")], now: now) != nil)
        }
    }

    @Test func payloadsOfAnyShapeNeverCrashAndSavesCheckTheTrigger() async throws {
        let app = try TestApp(configure: { $0.bodyLimit = 4096 })
        try await app.run { api in
            let owner = try await api.setUp()
            let (hook, _) = try await setUp(api, owner)
            for body in ["not json", "", "[1,2", String(repeating: "x", count: 4000), "\u{0}\u{1}"] {
                let answer = try await post(api, hook, body: body, headers: signed(body, at: app.clock.now()))
                #expect(answer.status == 202, "\(body.prefix(10)): \(answer.text)")
            }
            let big = String(repeating: "y", count: 5000)
            #expect(try await post(api, hook, body: big, headers: signed(big, at: app.clock.now())).status == 413)
            let bad = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/workflows", token: owner.token, body: Flow.definition("Bad", [
                Flow.node("t", "trigger", ["kind": "schedule", "cron": "61 * * * *", "timezone": "Mars/Olympus"]),
            ], []))
            #expect(bad.status == 422)
            let paths = Set(bad.json["error"]?["details"]?["fields"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? [])
            #expect(paths == ["nodes.t.config.cron", "nodes.t.config.timezone"], "\(bad.text)")
            let unsigned = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/workflows", token: owner.token, body: Flow.definition("Bad", [
                Flow.node("t", "trigger", ["kind": "webhook"]),
            ], []))
            #expect(unsigned.status == 422 && unsigned.text.contains("nodes.t.config.signing"))
        }
    }
}
