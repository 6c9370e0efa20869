import Foundation
import Hummingbird
import SpojkaCore
import Synchronization

/// A replica of the Stripe API (`https://api.stripe.com`): balance, customers, charges, payment intents, invoices.
///
/// Checks what Stripe checks: `Authorization: Bearer sk_…` (401 with Stripe's error object), form-encoded
/// bodies with bracket nesting (`metadata[plan]=pro`), unknown and missing parameters (400), unknown IDs
/// (404 `resource_missing`), list `limit` (1–100) and cursor paging with `starting_after` and `has_more`,
/// and `Idempotency-Key` (a replayed key answers the first result).
public enum StripeReplica {
    /// The replica's routes; `token` is the one secret key it accepts.
    public static func router(log: RequestLog, token: String = "sk_test_51ReplicaKey") -> Router<BasicRequestContext> {
        let state = StripeState()
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.add(middleware: GateMiddleware { request in
            guard let header = ReplicaKit.header(request, "authorization") else {
                return error(401, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.")
            }
            guard header == "Bearer \(token)" else {
                let key = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header
                let masked = String(key.prefix(8)) + String(repeating: "*", count: max(0, key.count - 12)) + String(key.suffix(4))
                return error(401, "Invalid API Key provided: \(masked)")
            }
            return nil
        })
        router.get("/v1/balance") { _, _ in
            ReplicaKit.json(["object": "balance", "livemode": false,
                             "available": [["amount": 666670, "currency": "usd", "source_types": ["card": 666670]]],
                             "connect_reserved": [["amount": 0, "currency": "usd"]],
                             "pending": [["amount": 61414, "currency": "usd", "source_types": ["card": 61414]]]])
        }
        router.get("/v1/customers") { request, _ in
            let email = ReplicaKit.query(request, "email")
            return page(state.withLock { $0.customers }.filter { email == nil || $0["email"]?.stringValue == email },
                        request: request, url: "/v1/customers", kind: "customer")
        }
        router.get("/v1/customers/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let customer = state.withLock({ $0.customers.first { $0["id"]?.stringValue == id } }) else {
                return error(404, "No such customer: '\(id)'", code: "resource_missing", param: "id")
            }
            return ReplicaKit.json(customer)
        }
        router.post("/v1/customers") { request, _ in
            try await create(request, state: state, allowed: ["email", "name", "description", "metadata", "phone"], required: []) { form, n in
                .object(["id": .string("cus_Pq\(n)RepL1ca"), "object": "customer", "email": form["email"] ?? .null, "name": form["name"] ?? .null,
                         "description": form["description"] ?? .null, "phone": form["phone"] ?? .null, "balance": 0, "currency": .null,
                         "created": .int(1_700_000_000 + n), "delinquent": false, "livemode": false, "invoice_prefix": .string("A1B2C\(n)"),
                         "metadata": form["metadata"] ?? .object([:]), "tax_exempt": "none", "preferred_locales": []])
            } store: { $0.customers.insert($1, at: 0) }
        }
        router.get("/v1/charges") { request, _ in
            let customer = ReplicaKit.query(request, "customer")
            return page(state.withLock { $0.charges }.filter { customer == nil || $0["customer"]?.stringValue == customer },
                        request: request, url: "/v1/charges", kind: "charge")
        }
        router.post("/v1/payment_intents") { request, _ in
            let allowed: Set = ["amount", "currency", "customer", "description", "metadata", "receipt_email"]
            return try await create(request, state: state, allowed: allowed, required: ["amount", "currency"]) { form, n in
                .object(["id": .string("pi_3Mtw\(n)RepL1ca"), "object": "payment_intent", "amount": .int(Int(form["amount"]?.stringValue ?? "") ?? 0),
                         "amount_received": 0, "currency": form["currency"] ?? .null, "customer": form["customer"] ?? .null,
                         "description": form["description"] ?? .null, "metadata": form["metadata"] ?? .object([:]),
                         "status": "requires_payment_method", "client_secret": .string("pi_3Mtw\(n)RepL1ca_secret_YrKJUKribcBjcG8HVhfZluoGH"),
                         "automatic_payment_methods": ["enabled": true, "allow_redirects": "always"], "capture_method": "automatic",
                         "created": .int(1_700_000_000 + n), "livemode": false])
            } store: { $0.paymentIntents.append($1) }
        }
        router.get("/v1/invoices") { request, _ in
            let customer = ReplicaKit.query(request, "customer"), status = ReplicaKit.query(request, "status")
            if let status, !["draft", "open", "paid", "uncollectible", "void"].contains(status) {
                return error(400, "Invalid status: must be one of draft, open, paid, uncollectible, or void", code: "parameter_invalid_empty", param: "status")
            }
            return page(state.withLock { $0.invoices }.filter {
                (customer == nil || $0["customer"]?.stringValue == customer) && (status == nil || $0["status"]?.stringValue == status)
            }, request: request, url: "/v1/invoices", kind: "invoice")
        }
        return router
    }

    /// Stripe's error object.
    static func error(_ status: Int, _ message: String, code: String? = nil, param: String? = nil) -> Response {
        var error: [String: JSONValue] = ["message": .string(message), "type": "invalid_request_error"]
        if let code { error["code"] = .string(code); error["doc_url"] = .string("https://stripe.com/docs/error-codes/\(code.replacingOccurrences(of: "_", with: "-"))") }
        if let param { error["param"] = .string(param) }
        return ReplicaKit.json(["error": .object(error)], status: status)
    }

    /// One page of a list: `limit` (1–100, default 10) after `starting_after`, with `has_more`.
    static func page(_ all: [JSONValue], request: Request, url: String, kind: String) -> Response {
        guard let limit = ReplicaKit.int(request, "limit", 1...100, fallback: 10) else {
            return error(400, "Invalid integer: \(ReplicaKit.query(request, "limit") ?? "")", code: "parameter_invalid_integer", param: "limit")
        }
        var start = 0
        if let after = ReplicaKit.query(request, "starting_after") {
            guard let index = all.firstIndex(where: { $0["id"]?.stringValue == after }) else {
                return error(400, "No such \(kind): '\(after)'", code: "resource_missing", param: "starting_after")
            }
            start = index + 1
        }
        let slice = Array(all.dropFirst(start).prefix(limit))
        return ReplicaKit.json(["object": "list", "url": .string(url), "has_more": .bool(start + slice.count < all.count), "data": .array(slice)])
    }

    /// A create endpoint: form body, known and required parameters, customer existence, idempotency.
    static func create(_ request: Request, state: StripeState, allowed: Set<String>, required: [String],
                       make: (([String: JSONValue], Int) -> JSONValue), store: @escaping (inout StripeData, JSONValue) -> Void) async throws -> Response {
        guard ReplicaKit.mediaType(request) == "application/x-www-form-urlencoded" else {
            return error(400, "Invalid request: the body must be application/x-www-form-urlencoded.")
        }
        let form = ReplicaKit.form(try await ReplicaKit.text(request)).objectValue ?? [:]
        if let unknown = form.keys.sorted().first(where: { !allowed.contains($0) }) {
            return error(400, "Received unknown parameter: \(unknown)", code: "parameter_unknown", param: unknown)
        }
        if let missing = required.first(where: { form[$0] == nil }) {
            return error(400, "Missing required param: \(missing).", code: "parameter_missing", param: missing)
        }
        if let metadata = form["metadata"], metadata.objectValue == nil {
            return error(400, "Invalid object", code: "parameter_invalid_object", param: "metadata")
        }
        if let amount = form["amount"], (Int(amount.stringValue ?? "") ?? 0) < 1 {
            return error(400, "This value must be greater than or equal to 1.", code: "parameter_invalid_integer", param: "amount")
        }
        if let currency = form["currency"]?.stringValue, !["usd", "eur", "gbp", "czk", "jpy", "cad", "aud", "chf"].contains(currency) {
            return error(400, "Invalid currency: \(currency). Stripe currently supports these currencies: usd, eur, gbp, czk, jpy, cad, aud, chf", param: "currency")
        }
        let key = ReplicaKit.header(request, "idempotency-key")
        return state.withLock { data -> Response in
            if let key, let earlier = data.idempotent[key] { return ReplicaKit.json(earlier) }
            if let customer = form["customer"]?.stringValue, !data.customers.contains(where: { $0["id"]?.stringValue == customer }) {
                return error(400, "No such customer: '\(customer)'", code: "resource_missing", param: "customer")
            }
            data.counter += 1
            let object = make(form, data.counter)
            store(&data, object)
            if let key { data.idempotent[key] = object }
            return ReplicaKit.json(object)
        }
    }
}

/// The objects a ``StripeReplica`` holds.
struct StripeData {
    var customers: [JSONValue] = (1...5).map { n in
        ["id": .string("cus_NffrFeUfNV2Hi\(n)"), "object": "customer", "email": .string("customer\(n)@example.com"),
         "name": .string(["Jenny Rosen", "Ana Novák", "Petr Svoboda", "Lena Fischer", "Tomás García"][n - 1]), "description": .null,
         "created": .int(1_680_893_993 - n * 1000), "livemode": false, "metadata": [:], "balance": 0, "delinquent": false]
    }
    var charges: [JSONValue] = (1...3).map { n in
        ["id": .string("ch_3MmlLrLkdIwHu7ix0snN0B1\(n)"), "object": "charge", "amount": .int(1099 * n), "amount_captured": .int(1099 * n),
         "amount_refunded": 0, "currency": "usd", "customer": n < 3 ? "cus_NffrFeUfNV2Hi1" : "cus_NffrFeUfNV2Hi2", "paid": true,
         "status": "succeeded", "payment_intent": .string("pi_3MmlLrLkdIwHu7ix0uke3Ez\(n)"), "created": .int(1_679_090_539 - n), "livemode": false]
    }
    var invoices: [JSONValue] = [
        ["id": "in_1MtHbELkdIwHu7ixl4OzzPM1", "object": "invoice", "customer": "cus_NffrFeUfNV2Hi1", "status": "open", "amount_due": 999,
         "amount_paid": 0, "currency": "usd", "number": "A1B2C3D4-0001", "created": 1_680_644_467, "livemode": false],
        ["id": "in_1MtHbELkdIwHu7ixl4OzzPM2", "object": "invoice", "customer": "cus_NffrFeUfNV2Hi1", "status": "paid", "amount_due": 1999,
         "amount_paid": 1999, "currency": "usd", "number": "A1B2C3D4-0002", "created": 1_680_544_467, "livemode": false],
        ["id": "in_1MtHbELkdIwHu7ixl4OzzPM3", "object": "invoice", "customer": "cus_NffrFeUfNV2Hi2", "status": "draft", "amount_due": 500,
         "amount_paid": 0, "currency": "usd", "number": .null, "created": 1_680_444_467, "livemode": false],
    ]
    var paymentIntents: [JSONValue] = []
    var idempotent: [String: JSONValue] = [:]
    var counter = 0
}

/// Mutex-guarded ``StripeData``.
final class StripeState: Sendable {
    private let data = Mutex(StripeData())
    func withLock<T: Sendable>(_ body: (inout StripeData) -> T) -> T { data.withLock { body(&$0) } }
}
