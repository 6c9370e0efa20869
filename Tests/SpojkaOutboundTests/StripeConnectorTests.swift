import Foundation
import Hummingbird
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaTestSupport
import Testing

/// Shared helpers of the connector tests: shipped manifests, one runtime (and transport) per call, verification.
enum Harness {
    /// The shipped catalog, loaded once.
    static let catalog: Result<Catalog, any Error> = Result {
        guard let directory = BuiltinConnectors.manifestsDirectory else { throw TestFailure("no manifests folder") }
        return try Catalog.load(directory: directory, implementations: BuiltinConnectors.implementationNames)
    }

    /// The shipped manifest of `key`.
    static func connector(_ key: String) throws -> ConnectorManifest {
        try #require(try catalog.get().connector(key), "connector \(key) is not shipped")
    }

    /// Calls one tool over loopback with a fresh transport that is shut down afterwards.
    static func call(_ connector: ConnectorManifest, _ tool: String, _ arguments: JSONValue = [:], credentials: [String: Secret],
                     settings: JSONValue = [:], serviceURL: String) async throws -> JSONValue {
        let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
        let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations,
                                  retry: RetryPolicy(attempts: 2, baseDelay: .milliseconds(1), timeout: .seconds(10))) { _ in }
        do {
            let output = try await runtime.call(ToolCall(connector: connector, tool: tool, arguments: arguments, credentials: credentials,
                                                         settings: settings, serviceURL: serviceURL))
            try await transport.shutdown()
            return output
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// The `ToolError` a call fails with (nil when it succeeds or fails otherwise).
    static func failure(_ connector: ConnectorManifest, _ tool: String, _ arguments: JSONValue = [:], credentials: [String: Secret],
                        settings: JSONValue = [:], serviceURL: String) async -> ToolError? {
        do {
            _ = try await call(connector, tool, arguments, credentials: credentials, settings: settings, serviceURL: serviceURL)
            return nil
        } catch let error as ToolError { return error } catch { return nil }
    }

    /// Runs the connector's verification tool and returns its output and the account identity (`verify.account`).
    static func verify(_ connector: ConnectorManifest, credentials: [String: Secret], settings: JSONValue = [:],
                       serviceURL: String) async throws -> (output: JSONValue, account: JSONValue) {
        let spec = try #require(connector.verify)
        let output = try await call(connector, try #require(spec.tool), spec.arguments ?? [:], credentials: credentials,
                                    settings: settings, serviceURL: serviceURL)
        let account = try JMESPathExpression(try #require(spec.account)).search(output)
        return (output, account)
    }

    /// The ids of `items` in order.
    static func ids(_ output: JSONValue, _ key: String = "id") -> [String] {
        output["items"]?.arrayValue?.compactMap { $0[key]?.stringValue } ?? []
    }
}

/// The Stripe connector against its replica over loopback.
@Suite("Stripe connector")
struct StripeConnectorTests {
    let key: [String: Secret] = ["secretKey": Secret("sk_test_51ReplicaKey")]

    @Test func verifiesWithTheBalanceAndNamesTheMode() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(StripeReplica.router(log: log)) { base in
            let stripe = try Harness.connector("stripe")
            let (balance, account) = try await Harness.verify(stripe, credentials: key, serviceURL: base)
            #expect(account == "test mode")
            #expect(balance["available"]?[0]?["amount"] == 666670 && balance["object"] == "balance")
            let request = try #require(log.all.first)
            #expect(request.method == "GET" && request.uri == "/v1/balance")
            #expect(request.headers["authorization"] == "Bearer sk_test_51ReplicaKey")
        }
    }

    @Test func customersAreListedAcrossPagesFetchedAndCreatedWithFormBodies() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(StripeReplica.router(log: log)) { base in
            let stripe = try Harness.connector("stripe")
            let all = try await Harness.call(stripe, "list_customers", ["limit": 2], credentials: key, serviceURL: base)
            #expect(all["count"] == 5)
            #expect(Harness.ids(all) == (1...5).map { "cus_NffrFeUfNV2Hi\($0)" })
            #expect(log.all.map(\.uri) == ["/v1/customers?limit=2", "/v1/customers?limit=2&starting_after=cus_NffrFeUfNV2Hi2",
                                           "/v1/customers?limit=2&starting_after=cus_NffrFeUfNV2Hi4"])
            let jenny = try await Harness.call(stripe, "get_customer", ["id": "cus_NffrFeUfNV2Hi1"], credentials: key, serviceURL: base)
            #expect(jenny["name"] == "Jenny Rosen" && jenny["object"] == "customer")

            let arguments: JSONValue = ["email": "ana@example.com", "name": "Ana Nováková", "metadata": ["plan": "pro", "seats": "5"],
                                        "idempotency_key": "create-ana-1"]
            let created = try await Harness.call(stripe, "create_customer", arguments, credentials: key, serviceURL: base)
            #expect(created["id"]?.stringValue?.hasPrefix("cus_") == true)
            #expect(created["email"] == "ana@example.com" && created["metadata"] == ["plan": "pro", "seats": "5"])
            let post = try #require(log.all.last)
            #expect(post.method == "POST" && post.uri == "/v1/customers")
            #expect(post.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(post.body == "email=ana%40example.com&metadata%5Bplan%5D=pro&metadata%5Bseats%5D=5&name=Ana%20Nov%C3%A1kov%C3%A1")
            #expect(post.headers["idempotency-key"] == "create-ana-1")
            let replayed = try await Harness.call(stripe, "create_customer", arguments, credentials: key, serviceURL: base)
            #expect(replayed["id"] == created["id"])

            let found = try await Harness.call(stripe, "list_customers", ["email": "ana@example.com"], credentials: key, serviceURL: base)
            #expect(found["count"] == 1 && Harness.ids(found) == [created["id"]?.stringValue ?? "?"])
        }
    }

    @Test func chargesPaymentIntentsAndInvoices() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(StripeReplica.router(log: log)) { base in
            let stripe = try Harness.connector("stripe")
            let charges = try await Harness.call(stripe, "list_charges", ["customer": "cus_NffrFeUfNV2Hi1", "limit": 1], credentials: key, serviceURL: base)
            #expect(Harness.ids(charges) == ["ch_3MmlLrLkdIwHu7ix0snN0B11", "ch_3MmlLrLkdIwHu7ix0snN0B12"])
            #expect(charges["items"]?[0]?["amount"] == 1099 && charges["items"]?[0]?["status"] == "succeeded")

            let intent = try await Harness.call(stripe, "create_payment_intent",
                                                ["amount": 2000, "currency": "usd", "customer": "cus_NffrFeUfNV2Hi2", "metadata": ["order_id": "6735"]],
                                                credentials: key, serviceURL: base)
            #expect(intent["id"]?.stringValue?.hasPrefix("pi_") == true && intent["amount"] == 2000)
            #expect(intent["status"] == "requires_payment_method" && intent["metadata"] == ["order_id": "6735"])
            #expect(log.all.last?.body == "amount=2000&currency=usd&customer=cus_NffrFeUfNV2Hi2&metadata%5Border_id%5D=6735")
            #expect(log.all.last?.headers["idempotency-key"] == nil)

            let open = try await Harness.call(stripe, "list_invoices", ["status": "open"], credentials: key, serviceURL: base)
            #expect(Harness.ids(open) == ["in_1MtHbELkdIwHu7ixl4OzzPM1"] && open["items"]?[0]?["amount_due"] == 999)
            let ofCustomer = try await Harness.call(stripe, "list_invoices", ["customer": "cus_NffrFeUfNV2Hi1", "limit": 1], credentials: key, serviceURL: base)
            #expect(ofCustomer["count"] == 2)
            #expect(log.all.last?.uri == "/v1/invoices?customer=cus_NffrFeUfNV2Hi1&limit=1&starting_after=in_1MtHbELkdIwHu7ixl4OzzPM1")
        }
    }

    @Test func failuresCarryStripesClassificationAndMessage() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(StripeReplica.router(log: log)) { base in
            let stripe = try Harness.connector("stripe")
            let rejected = await Harness.failure(stripe, "get_balance", credentials: ["secretKey": Secret("sk_test_wrongKey9876")], serviceURL: base)
            #expect(rejected?.code == .authRejected)
            #expect(rejected?.message.contains("Invalid API Key provided") == true)
            #expect(rejected?.message.contains("sk_test_wrongKey9876") == false)

            let missing = await Harness.failure(stripe, "get_customer", ["id": "cus_missing"], credentials: key, serviceURL: base)
            #expect(missing?.code == .toolError && missing?.message == "No such customer: 'cus_missing'")
            let strange = await Harness.failure(stripe, "create_payment_intent", ["amount": 100, "currency": "usd", "customer": "cus_nobody"],
                                                credentials: key, serviceURL: base)
            #expect(strange?.code == .toolError && strange?.message == "No such customer: 'cus_nobody'")

            let sent = log.all.count
            let invalid = await Harness.failure(stripe, "create_payment_intent", ["amount": 0, "currency": "USD"], credentials: key, serviceURL: base)
            #expect(invalid?.code == .invalidArguments && log.all.count == sent)
        }
    }
}
