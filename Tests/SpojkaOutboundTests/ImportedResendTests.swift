import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The connector imported from Resend's published OpenAPI document, against the Resend replica over loopback.
@Suite("Imported Resend connector")
struct ImportedResendTests {
    /// The document's `bearerAuth` scheme (`http`, `bearer`) is the connector's only credential: `token`.
    let key: [String: Secret] = ["token": Secret("re_123456789_ReplicaKey")]

    @Test func sendsAnEmailWithTheKeyWhereTheSecuritySchemeSays() async throws {
        let (resend, _) = try OpenAPIImportTests.imported("resend/resend.yaml", key: "resend-imported")
        #expect(resend.serviceUrl == "https://api.resend.com")
        #expect(resend.auth.fields?["required"] == ["token"])
        let log = RequestLog()
        try await ReplicaServer.run(ResendReplica.router(log: log)) { base in
            let arguments: JSONValue = ["from": "Acme <onboarding@acme.example>", "to": ["delivered@resend.dev"],
                                        "subject": "Hello World", "html": "<p>Hi</p>", "Idempotency-Key": "welcome-42"]
            let sent = try await Harness.call(resend, "emails_send", arguments, credentials: key, serviceURL: base)
            let id = try #require(sent["id"]?.stringValue)
            let post = try #require(log.all.last)
            #expect(post.method == "POST" && post.uri == "/emails" && post.headers["content-type"] == "application/json")
            #expect(post.headers["authorization"] == "Bearer re_123456789_ReplicaKey")
            #expect(post.headers["idempotency-key"] == "welcome-42")
            #expect(post.body == #"{"from":"Acme <onboarding@acme.example>","html":"<p>Hi</p>","subject":"Hello World","to":["delivered@resend.dev"]}"#)

            let email = try await Harness.call(resend, "emails_get", ["email_id": .string(id)], credentials: key, serviceURL: base)
            #expect(email["id"] == .string(id) && email["subject"] == "Hello World" && log.all.last?.uri == "/emails/\(id)")

            let domains = try await Harness.call(resend, "domains_list", credentials: key, serviceURL: base)
            #expect(domains["data"]?[0]?["name"] == "acme.example")

            let rejected = await Harness.failure(resend, "domains_list", credentials: ["token": Secret("re_revoked")], serviceURL: base)
            #expect(rejected?.code == .authRejected)
            let count = log.all.count
            let missing = await Harness.failure(resend, "emails_send", ["subject": "no recipient"], credentials: key, serviceURL: base)
            #expect(missing?.code == .invalidArguments && log.all.count == count)
        }
    }
}
