import Foundation
import HTTPTypes
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Issue 10, items 1 and 9: no status, header or number in a definition or a payload can take the server down.
@Suite("Hardening: response nodes and bounded numbers")
struct ResponseNodeHardeningTests {
    static let secret = "whsec_RESPONSE_0123456789"

    func reply(_ config: JSONValue, extra: [String: JSONValue] = [:], workflow: [String: JSONValue] = [:]) -> JSONValue {
        guard case .object(var definition) = Flow.definition("Reply", [
            Flow.manual, Flow.node("reply", "response", config, extra: extra),
        ], [Flow.edge("start", "reply")]) else { return .null }
        for (k, v) in workflow { definition[k] = v }
        return .object(definition)
    }

    func fields(_ answer: JSONResponse) -> [String] {
        (answer.json["error"]?["details"]?["fields"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
    }

    @Test func statusesHeadersAndHugeNumbersAreRefusedAtSave() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let statuses: [JSONValue] = [1000, 99, .double(1e300), -200, .double(200.5), "abc", true]
            for status in statuses {
                let answer = try await api.request(.post, base, token: owner.token, body: reply(["status": status, "body": "x"]))
                #expect(answer.status == 422 && fields(answer) == ["nodes.reply.config.status"], "status \(status): \(answer.text)")
            }
            for header in ["Content-Length", "transfer-encoding", "Connection", "Set-Cookie", "Host", "Bad Header", "X-Spojka-Run"] {
                let answer = try await api.request(.post, base, token: owner.token, body: reply(["status": 200, "headers": [header: "2"], "body": "abcdefghijklmn"]))
                #expect(answer.status == 422 && fields(answer) == ["nodes.reply.config.headers.\(header)"], "\(header): \(answer.text)")
            }
            let split = try await api.request(.post, base, token: owner.token, body: reply(["headers": ["X-Note": "a\r\nSet-Cookie: x=1"]]))
            #expect(split.status == 422 && fields(split) == ["nodes.reply.config.headers.X-Note"], "\(split.text)")
            // Numbers that used to reach an Int/Int64 conversion trap (the whole server stopped).
            let huge: [(JSONValue, [String])] = [
                (reply([:], workflow: ["timeoutSeconds": .double(1e300)]), ["timeoutSeconds"]),
                (reply([:], extra: ["timeoutSeconds": .double(1e300)]), ["nodes.reply.timeoutSeconds"]),
                (reply([:], extra: ["retry": ["maxAttempts": .double(1e300), "backoff": -1]]), ["nodes.reply.retry.backoff", "nodes.reply.retry.maxAttempts"]),
            ]
            for (definition, paths) in huge {
                let answer = try await api.request(.post, base, token: owner.token, body: definition)
                #expect(answer.status == 422 && fields(answer).sorted() == paths, "\(answer.text)")
            }
            let fine = try await api.request(.post, base, token: owner.token,
                                             body: reply(["status": 201, "headers": ["X-Order": "7", "Content-Type": "application/json"], "body": "ok"]))
            #expect(fine.status == 201, "\(fine.text)")
            #expect(try await api.request(.get, "/healthz").status == 200, "the server is still up")
        }
    }

    @Test func aTemplatedStatusOrHeaderFailsTheRunNeverTheServer() async throws {
        let app = try TestApp()
        try await app.run { api in
            let owner = try await api.setUp()
            let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                                body: ["connector": "webhook", "name": "Hook", "credentials": ["secret": .string(Self.secret)]])
            let signing = try #require(created.json["id"]?.stringValue, "\(created.text)")
            let id = try await api.saveWorkflow(owner, Flow.definition("Echo status", [
                Flow.node("hook", "trigger", ["kind": "webhook", "signing": .string(signing), "mode": "sync", "timeoutSeconds": 20]),
                Flow.node("reply", "response", ["status": "{{ input.body.status }}", "headers": "{{ input.body.headers }}", "body": "{{ input.body }}"]),
            ], [Flow.edge("hook", "reply")]))
            let workflow = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/workflows/\(id)", token: owner.token)
            let hook = String(try #require(workflow.json["webhookUrl"]?.stringValue).dropFirst("http://spojka.test".count))
            func post(_ body: String) async throws -> JSONResponse {
                let headers = WebhookSignature(settings: [:]).sign(body: Array(body.utf8), secret: Secret(Self.secret), now: app.clock.now())
                return try await api.request(.post, hook, raw: body, extraHeaders: headers)
            }
            let hostile = [#"{"status": 1000}"#, #"{"status": 1e300}"#, #"{"status": "x"}"#, #"{"status": 42}"#,
                           #"{"status": 200, "headers": {"Content-Length": "2"}}"#, #"{"status": 200, "headers": {"Transfer-Encoding": "chunked"}}"#,
                           #"{"status": 200, "headers": {"X-A": "a\r\nX-B: b"}}"#, #"{"status": 200, "headers": [1]}"#]
            for body in hostile {
                let answer = try await post(body)
                #expect(answer.status == 500 && answer.errorCode == "run_failed", "\(body): \(answer.status) \(answer.text)")
                #expect(answer.headers[.contentLength] == nil || answer.headers[.contentLength] == String(answer.text.utf8.count))
                let runID = try #require(answer.json["error"]?["runId"]?.stringValue)
                let run = try await api.run(owner, runID)
                #expect(run["status"] == "failed" && run["error"]?["code"] == "invalid_response", "\(run)")
            }
            let good = try await post(#"{"status": 202, "headers": {"X-Order": "9"}}"#)
            #expect(good.status == 202 && good.headers[HTTPField.Name("X-Order")!] == "9", "\(good.text)")
            #expect(good.headers[.contentSecurityPolicy]?.contains("sandbox") == true && good.headers[.xContentTypeOptions] == "nosniff")
        }
    }
}
