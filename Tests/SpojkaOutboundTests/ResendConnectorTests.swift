import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The Resend connector against its replica over loopback.
@Suite("Resend connector")
struct ResendConnectorTests {
    let key: [String: Secret] = ["apiKey": Secret("re_123456789_ReplicaKey")]
    let settings: JSONValue = ["defaultFrom": "Acme <onboarding@acme.example>"]

    @Test func verifiesWithTheDomainList() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ResendReplica.router(log: log)) { base in
            let resend = try Harness.connector("resend")
            let (output, account) = try await Harness.verify(resend, credentials: key, settings: settings, serviceURL: base)
            #expect(account == "acme.example, mail.acme.example")
            #expect(output["data"]?[0]?["status"] == "verified")
            let request = try #require(log.all.first)
            #expect(request.method == "GET" && request.uri == "/domains")
            #expect(request.headers["authorization"] == "Bearer re_123456789_ReplicaKey")
        }
    }

    @Test func emailsAreSentFromTheDefaultSenderAndFetched() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ResendReplica.router(log: log)) { base in
            let resend = try Harness.connector("resend")
            let sent = try await Harness.call(resend, "send_email", ["to": "delivered@resend.dev", "subject": "Hello World", "html": "<p>Hi</p>"],
                                              credentials: key, settings: settings, serviceURL: base)
            let id = try #require(sent["id"]?.stringValue)
            #expect(id.count == 36)
            let post = try #require(log.all.last)
            #expect(post.method == "POST" && post.uri == "/emails" && post.headers["content-type"] == "application/json")
            #expect(post.body == #"{"from":"Acme <onboarding@acme.example>","html":"<p>Hi</p>","subject":"Hello World","to":"delivered@resend.dev"}"#)

            let email = try await Harness.call(resend, "get_email", ["id": .string(id)], credentials: key, settings: settings, serviceURL: base)
            #expect(email["id"] == .string(id) && email["subject"] == "Hello World" && email["to"] == ["delivered@resend.dev"])
            #expect(email["from"] == "Acme <onboarding@acme.example>" && email["last_event"] == "delivered")
            #expect(log.all.last?.uri == "/emails/\(id)")

            let report: JSONValue = ["to": ["a@example.com", "b@example.com"], "cc": "boss@example.com", "subject": "Weekly report",
                                     "text": "All green.", "from": "Reports <reports@acme.example>", "reply_to": ["help@acme.example"],
                                     "tags": [["name": "kind", "value": "report"]]]
            let second = try await Harness.call(resend, "send_email", report, credentials: key, settings: settings, serviceURL: base)
            #expect(second["id"] != sent["id"])
            let body = try JSONDecoder().decode(JSONValue.self, from: Data((log.all.last?.body ?? "").utf8))
            #expect(body["from"] == "Reports <reports@acme.example>" && body["to"] == ["a@example.com", "b@example.com"])
            #expect(body["cc"] == "boss@example.com" && body["reply_to"] == ["help@acme.example"] && body["html"] == nil)
        }
    }

    @Test func failuresCarryResendsMessage() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ResendReplica.router(log: log)) { base in
            let resend = try Harness.connector("resend")
            let noSender = await Harness.failure(resend, "send_email", ["to": "x@example.com", "subject": "S", "text": "T"],
                                                 credentials: key, serviceURL: base)
            #expect(noSender?.code == .toolError && noSender?.message == "Missing `from` field.")
            #expect(log.all.last?.body.contains("from") == false)
            let unknown = await Harness.failure(resend, "get_email", ["id": "4ef9a417-0000"], credentials: key, serviceURL: base)
            #expect(unknown?.code == .toolError && unknown?.message == "Email not found")
            let rejected = await Harness.failure(resend, "list_domains", credentials: ["apiKey": Secret("re_revoked")], serviceURL: base)
            #expect(rejected?.code == .authRejected && rejected?.message.contains("API key is invalid") == true)
            let sent = log.all.count
            let bodiless = await Harness.failure(resend, "send_email", ["to": "x@example.com", "subject": "S"], credentials: key, settings: settings, serviceURL: base)
            #expect(bodiless?.code == .invalidArguments && log.all.count == sent)
        }
    }
}
