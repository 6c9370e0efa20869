import Foundation
import Hummingbird
import SpojkaCore
import Synchronization

/// A replica of one store's Shopify Admin GraphQL API: `POST /admin/api/{version}/graphql.json`.
///
/// Checks what Shopify checks: `X-Shopify-Access-Token` (401 `{"errors": "[API] Invalid API key or access
/// token …"}`), a well-formed version (404 otherwise), a JSON body `{query, variables}` (400 otherwise), and
/// non-null variables (`Variable $id of type ID! was provided invalid value`). It reads the operation's root
/// field (`shop`, `products`, `product`, `orders`, `order`, `customers`, `productCreate`, `productUpdate`,
/// `customerCreate`) and answers with the documented shapes, connection paging (`first`, `after`,
/// `pageInfo { hasNextPage endCursor }`), `userErrors` for invalid input, and `errors` for unknown fields.
public enum ShopifyReplica {
    /// The replica's routes; `token` is the custom-app access token it accepts; `store` and `name` identify the shop;
    /// with `oauth`, the store's OAuth endpoints too, and the access tokens they issued are accepted.
    public static func router(log: RequestLog, token: String = "shpat_0123456789abcdef0123456789abcdef",
                              store: String = "acme-store", name: String = "Acme Store", oauth: ShopifyOAuthStore? = nil) -> Router<BasicRequestContext> {
        let state = ShopifyState()
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        oauth?.register(on: router)  // before the token gate: these routes take the client's credentials instead
        router.add(middleware: GateMiddleware { request in
            let presented = ReplicaKit.header(request, "x-shopify-access-token") ?? ""
            guard presented == token || oauth?.accepts(presented) == true else {
                return ReplicaKit.json(["errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"], status: 401)
            }
            return nil
        })
        router.post("/admin/api/{version}/graphql.json") { request, context -> Response in
            let version = context.parameters.get("version") ?? ""
            guard version.range(of: #"^\d{4}-\d{2}$"#, options: .regularExpression) != nil else { return ReplicaKit.json(["errors": "Not Found"], status: 404) }
            guard ReplicaKit.mediaType(request) == "application/json", let body = try await ReplicaKit.jsonBody(request),
                  let query = body["query"]?.stringValue, !query.isEmpty else {
                return ReplicaKit.json(["errors": ["query": "Required parameter missing or invalid"]], status: 400)
            }
            let variables = body["variables"]?.objectValue ?? [:]
            let answer = execute(query, variables: variables, state: state, shop: ["name": .string(name), "email": .string("owner@\(store).example"),
                "currencyCode": "USD", "myshopifyDomain": .string("\(store).myshopify.com"), "plan": ["displayName": "Basic"]])
            return ReplicaKit.json(answer, headers: [("X-Shopify-API-Version", version)])
        }
        return router
    }

    /// Runs one operation: checks required variables, dispatches on the root field.
    static func execute(_ query: String, variables: [String: JSONValue], state: ShopifyState, shop: JSONValue) -> JSONValue {
        guard let open = query.firstIndex(of: "{") else { return failure("syntax error, unexpected end of file", code: "parseError") }
        let header = query[..<open]
        let isMutation = header.trimmingCharacters(in: .whitespaces).hasPrefix("mutation")
        for match in header.matches(of: /\$(\w+)\s*:\s*([\w\[\]!]+)/) where match.output.2.hasSuffix("!") {
            let name = String(match.output.1)
            if variables[name] == nil || variables[name] == .null {
                return failure("Variable $\(name) of type \(match.output.2) was provided invalid value", code: "INVALID_VARIABLE")
            }
        }
        let root = String(query[query.index(after: open)...].drop { $0.isWhitespace }.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        let data: JSONValue
        switch (isMutation, root) {
        case (false, "shop"): data = ["shop": shop]
        case (false, "products"): data = ["products": connection(state.withLock { $0.products }.filter { matches($0, variables["query"]) }, variables)]
        case (false, "orders"): data = ["orders": connection(state.withLock { $0.orders }, variables)]
        case (false, "customers"): data = ["customers": connection(state.withLock { $0.customers }, variables)]
        case (false, "product"), (false, "order"):
            let id = variables["id"]?.stringValue ?? ""
            data = [root: state.withLock { ($0.products + $0.orders).first { $0["id"]?.stringValue == id } } ?? .null]
        case (true, "productCreate"), (true, "productUpdate"): data = [root: saveProduct(variables["product"]?.objectValue ?? [:], state: state)]
        case (true, "customerCreate"): data = [root: createCustomer(variables["input"]?.objectValue ?? [:], state: state)]
        case (true, "orderCreate"): data = [root: createOrder(variables["order"]?.objectValue ?? [:], state: state)]
        default:
            return failure("Field '\(root)' doesn't exist on type '\(isMutation ? "Mutation" : "QueryRoot")'", code: "undefinedField")
        }
        return ["data": data, "extensions": ["cost": ["requestedQueryCost": 12, "actualQueryCost": 12,
                                                      "throttleStatus": ["maximumAvailable": 2000, "currentlyAvailable": 1988, "restoreRate": 100]]]]
    }

    static func failure(_ message: String, code: String) -> JSONValue {
        ["errors": [["message": .string(message), "locations": [["line": 1, "column": 1]], "extensions": ["code": .string(code)]]]]
    }

    /// Search syntax subset: `status:…` and `vendor:…` terms.
    static func matches(_ product: JSONValue, _ query: JSONValue?) -> Bool {
        for term in (query?.stringValue ?? "").split(separator: " ") {
            let parts = term.split(separator: ":", maxSplits: 1).map { String($0).lowercased() }
            guard parts.count == 2 else { continue }
            if parts[0] == "status", product["status"]?.stringValue?.lowercased() != parts[1] { return false }
            if parts[0] == "vendor", product["vendor"]?.stringValue?.lowercased() != parts[1] { return false }
        }
        return true
    }

    /// `{nodes, edges, pageInfo}` of `first` items after the `after` cursor.
    static func connection(_ items: [JSONValue], _ variables: [String: JSONValue]) -> JSONValue {
        let first = min(250, max(1, variables["first"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 50))
        let start = variables["after"]?.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) }
            .flatMap { $0.hasPrefix("cursor:") ? Int($0.dropFirst(7)) : nil }.map { min($0, items.count) } ?? 0
        let end = min(items.count, start + first)
        let cursor = { (index: Int) in JSONValue.string(Data("cursor:\(index + 1)".utf8).base64EncodedString()) }
        let nodes = Array(items[start..<end])
        return ["nodes": .array(nodes), "edges": .array(nodes.enumerated().map { ["cursor": cursor(start + $0.offset), "node": $0.element] }),
                "pageInfo": ["hasNextPage": .bool(end < items.count), "hasPreviousPage": .bool(start > 0),
                             "startCursor": nodes.isEmpty ? .null : cursor(start), "endCursor": nodes.isEmpty ? .null : cursor(end - 1)]]
    }

    /// productCreate (no `id`) or productUpdate (with `id`): `{product, userErrors}`.
    static func saveProduct(_ input: [String: JSONValue], state: ShopifyState) -> JSONValue {
        if let title = input["title"]?.stringValue, title.trimmingCharacters(in: .whitespaces).isEmpty || title.count > 255 {
            return ["product": .null, "userErrors": [["field": ["title"], "message": .string(title.trimmingCharacters(in: .whitespaces).isEmpty ? "Title can't be blank" : "Title is too long (maximum is 255 characters)")]]]
        }
        return state.withLock { data -> JSONValue in
            if let id = input["id"]?.stringValue {
                guard let index = data.products.firstIndex(where: { $0["id"]?.stringValue == id }), case .object(var product) = data.products[index] else {
                    return ["product": .null, "userErrors": [["field": ["id"], "message": "Product does not exist"]]]
                }
                for (key, value) in input where key != "id" { product[key] = value }
                product["updatedAt"] = "2024-10-02T12:00:00Z"
                data.products[index] = .object(product)
                return ["product": .object(product), "userErrors": []]
            }
            guard let title = input["title"]?.stringValue else {
                return ["product": .null, "userErrors": [["field": ["title"], "message": "Title can't be blank"]]]
            }
            data.counter += 1
            var product = ShopifyData.product(9_000_000_000 + data.counter, title, vendor: input["vendor"]?.stringValue ?? "Acme Store", status: "ACTIVE")
            for (key, value) in input { product[key] = value }
            data.products.insert(.object(product), at: 0)
            return ["product": .object(product), "userErrors": []]
        }
    }

    static func createCustomer(_ input: [String: JSONValue], state: ShopifyState) -> JSONValue {
        state.withLock { data -> JSONValue in
            guard let email = input["email"]?.stringValue, email.contains("@") else {
                return ["customer": .null, "userErrors": [["field": ["email"], "message": "Email is invalid"]]]
            }
            guard !data.customers.contains(where: { $0["email"]?.stringValue?.lowercased() == email.lowercased() }) else {
                return ["customer": .null, "userErrors": [["field": ["email"], "message": "Email has already been taken"]]]
            }
            data.counter += 1
            let customer: JSONValue = ["id": .string("gid://shopify/Customer/\(7_000_000_000 + data.counter)"), "email": .string(email),
                                       "firstName": input["firstName"] ?? .null, "lastName": input["lastName"] ?? .null,
                                       "phone": input["phone"] ?? .null, "createdAt": "2024-10-02T12:00:00Z", "tags": input["tags"] ?? []]
            data.customers.insert(customer, at: 0)
            return ["customer": customer, "userErrors": []]
        }
    }
}

/// The catalogue a ``ShopifyReplica`` holds.
struct ShopifyData {
    static func product(_ id: Int, _ title: String, vendor: String, status: String) -> [String: JSONValue] {
        ["id": .string("gid://shopify/Product/\(id)"), "title": .string(title), "handle": .string(title.lowercased().replacingOccurrences(of: " ", with: "-")),
         "status": .string(status), "vendor": .string(vendor), "productType": "Apparel", "tags": [], "descriptionHtml": "",
         "createdAt": "2024-01-15T10:00:00Z", "updatedAt": "2024-01-15T10:00:00Z"]
    }

    var products: [JSONValue] = [("Sample product", "Acme", "ACTIVE"), ("Wool socks", "Acme", "ACTIVE"), ("Rain jacket", "Globex", "ACTIVE"),
                                 ("Old hat", "Acme", "ARCHIVED"), ("Summer tee", "Globex", "DRAFT")].enumerated().map { index, item in
        .object(ShopifyData.product(108_828_309 + index, item.0, vendor: item.1, status: item.2))
    }
    var orders: [JSONValue] = (0..<3).map { n in
        ["id": .string("gid://shopify/Order/\(148_977_776 + n)"), "name": .string("#\(1001 + n)"), "email": .string("buyer\(n)@example.com"),
         "createdAt": .string("2024-09-0\(n + 1)T08:00:00Z"), "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "UNFULFILLED",
         "totalPriceSet": ["shopMoney": ["amount": .string("\(199 + n * 10).00"), "currencyCode": "USD"]]]
    }
    var customers: [JSONValue] = [("Steve", "Lastnameson", "steve@example.com"), ("Ana", "Nováková", "ana@example.com")].enumerated().map { index, item in
        ["id": .string("gid://shopify/Customer/\(544_365_967 + index)"), "email": .string(item.2), "firstName": .string(item.0),
         "lastName": .string(item.1), "phone": .null, "createdAt": "2024-02-01T10:00:00Z"]
    }
    /// Product variants orders can name: `gid://shopify/ProductVariant/43729076…` (title, unit price in USD).
    var variants: [String: (title: String, price: Decimal)] = Dictionary(uniqueKeysWithValues: [
        ("Sample product", Decimal(25)), ("Wool socks", Decimal(string: "12.50")!), ("Rain jacket", Decimal(89))].enumerated().map { index, item in
        ("gid://shopify/ProductVariant/\(43_729_076 + index)", item)
    })
    var counter = 0
}

/// Mutex-guarded ``ShopifyData``.
final class ShopifyState: Sendable {
    private let data = Mutex(ShopifyData())
    func withLock<T: Sendable>(_ body: (inout ShopifyData) -> T) -> T { data.withLock { body(&$0) } }
}
