import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The Shopify connector (Admin GraphQL API) against its replica over loopback.
@Suite("Shopify connector")
struct ShopifyConnectorTests {
    let token: [String: Secret] = ["accessToken": Secret("shpat_0123456789abcdef0123456789abcdef")]
    let settings: JSONValue = ["store": "acme-store"]

    func body(_ request: RecordedRequest?) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data((request?.body ?? "").utf8))
    }

    @Test func verifiesWithTheShopOverGraphQL() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ShopifyReplica.router(log: log)) { base in
            let shopify = try Harness.connector("shopify")
            let (shop, account) = try await Harness.verify(shopify, credentials: token, settings: settings, serviceURL: base)
            #expect(account == "Acme Store")
            #expect(shop["myshopifyDomain"] == "acme-store.myshopify.com" && shop["plan"]?["displayName"] == "Basic")
            let request = try #require(log.all.first)
            #expect(request.method == "POST" && request.uri == "/admin/api/2024-10/graphql.json")
            #expect(request.headers["x-shopify-access-token"] == "shpat_0123456789abcdef0123456789abcdef")
            #expect(request.headers["authorization"] == nil && request.headers["content-type"] == "application/json")
            let sent = try body(request)
            #expect(sent["query"]?.stringValue?.contains("shop { name email currencyCode myshopifyDomain") == true && sent["variables"] == [:])
        }
    }

    @Test func productsPageWithCursorsAndAreCreatedAndUpdated() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ShopifyReplica.router(log: log)) { base in
            let shopify = try Harness.connector("shopify")
            var titles: [String] = [], after: JSONValue = .null
            for _ in 0..<5 {
                let arguments: JSONValue = after == .null ? ["first": 2] : ["first": 2, "after": after]
                let page = try await Harness.call(shopify, "list_products", arguments, credentials: token, settings: settings, serviceURL: base)
                titles += page["products"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
                guard page["pageInfo"]?["hasNextPage"] == true else { break }
                after = page["pageInfo"]?["endCursor"] ?? .null
            }
            #expect(titles == ["Sample product", "Wool socks", "Rain jacket", "Old hat", "Summer tee"])
            #expect(try body(log.all.last)["variables"]?["after"] == after && log.all.count == 3)
            let active = try await Harness.call(shopify, "list_products", ["query": "status:active vendor:acme"], credentials: token, settings: settings, serviceURL: base)
            #expect(active["products"]?.arrayValue?.count == 2 && active["pageInfo"]?["hasNextPage"] == false)
            #expect(try body(log.all.last)["variables"] == ["first": 50, "query": "status:active vendor:acme"])

            let created = try await Harness.call(shopify, "create_product", ["title": "Cool socks", "vendor": "Acme", "tags": ["socks", "summer"]],
                                                 credentials: token, settings: settings, serviceURL: base)
            let id = try #require(created["product"]?["id"]?.stringValue)
            #expect(id.hasPrefix("gid://shopify/Product/") && created["userErrors"] == [] && created["product"]?["tags"] == ["socks", "summer"])
            #expect(try body(log.all.last)["variables"] == ["product": ["title": "Cool socks", "vendor": "Acme", "tags": ["socks", "summer"]]])
            let updated = try await Harness.call(shopify, "update_product", ["id": .string(id), "title": "Cooler socks", "status": "DRAFT"],
                                                 credentials: token, settings: settings, serviceURL: base)
            #expect(updated["product"]?["title"] == "Cooler socks" && updated["product"]?["status"] == "DRAFT")
            let fetched = try await Harness.call(shopify, "get_product", ["id": .string(id)], credentials: token, settings: settings, serviceURL: base)
            #expect(fetched["title"] == "Cooler socks" && fetched["vendor"] == "Acme")
            let none = try await Harness.call(shopify, "get_product", ["id": "gid://shopify/Product/1"], credentials: token, settings: settings, serviceURL: base)
            #expect(none == .null)
        }
    }

    @Test func ordersCustomersAndRawGraphQL() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ShopifyReplica.router(log: log)) { base in
            let shopify = try Harness.connector("shopify")
            func call(_ tool: String, _ arguments: JSONValue) async throws -> JSONValue {
                try await Harness.call(shopify, tool, arguments, credentials: token, settings: settings, serviceURL: base)
            }
            let orders = try await call("list_orders", ["first": 2])
            #expect(orders["orders"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["#1001", "#1002"] && orders["pageInfo"]?["hasNextPage"] == true)
            let order = try await call("get_order", ["id": "gid://shopify/Order/148977777"])
            #expect(order["name"] == "#1002" && order["totalPriceSet"]?["shopMoney"]?["amount"] == "209.00")

            let customer = try await call("create_customer", ["email": "steve.lastnameson@example.com", "firstName": "Steve", "phone": "+16135551111"])
            #expect(customer["customer"]?["email"] == "steve.lastnameson@example.com" && customer["customer"]?["lastName"] == .null)
            #expect(try body(log.all.last)["variables"] == ["input": ["email": "steve.lastnameson@example.com", "firstName": "Steve", "phone": "+16135551111"]])
            let customers = try await call("list_customers", ["first": 10])
            #expect(customers["customers"]?.arrayValue?.count == 3 && customers["customers"]?[0]?["firstName"] == "Steve")

            let raw = try await call("raw_graphql", ["query": "query($id: ID!) { product(id: $id) { title } }", "variables": ["id": "gid://shopify/Product/108828310"]])
            #expect(raw["data"]?["product"]?["title"] == "Wool socks")
            #expect(try body(log.all.last) == ["query": "query($id: ID!) { product(id: $id) { title } }", "variables": ["id": "gid://shopify/Product/108828310"]])
            let plain = try await call("raw_graphql", ["query": "{ shop { name } }"])
            #expect(plain["data"]?["shop"]?["name"] == "Acme Store")
        }
    }

    @Test func ordersAreCreatedFromVariantsAndCustomItems() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ShopifyReplica.router(log: log)) { base in
            let shopify = try Harness.connector("shopify")
            let created = try await Harness.call(shopify, "create_order", [
                "lineItems": [["variantId": "gid://shopify/ProductVariant/43729077", "quantity": 3]], "currency": "USD", "sendReceipt": true],
                credentials: token, settings: settings, serviceURL: base)
            #expect(created["order"]?["name"] == "#1004" && created["order"]?["totalPriceSet"]?["shopMoney"]?["amount"] == "37.50", "\(created)")
            #expect(created["order"]?["lineItems"]?["nodes"]?[0]?["title"] == "Wool socks" && created["userErrors"] == [])
            let sent = try body(log.all.last)
            #expect(sent["query"]?.stringValue?.hasPrefix("mutation CreateOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput)") == true)
            #expect(sent["variables"] == ["order": ["lineItems": [["variantId": "gid://shopify/ProductVariant/43729077", "quantity": 3]], "currency": "USD"],
                                          "options": ["sendReceipt": true]], "\(sent)")
            let unknown = await Harness.failure(shopify, "create_order", ["lineItems": [["variantId": "gid://shopify/ProductVariant/1", "quantity": 1]]],
                                                credentials: token, settings: settings, serviceURL: base)
            #expect(unknown?.code == .toolError && unknown?.message == "Variant does not exist", "\(String(describing: unknown))")
            let invalid = await Harness.failure(shopify, "create_order", ["lineItems": [["title": "No price", "quantity": 1]]],
                                                credentials: token, settings: settings, serviceURL: base)
            #expect(invalid?.code == .invalidArguments, "a custom item needs a price: \(String(describing: invalid))")
        }
    }

    @Test func graphQLErrorsUserErrorsAndRejectedTokensAreClassified() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(ShopifyReplica.router(log: log)) { base in
            let shopify = try Harness.connector("shopify")
            func failure(_ tool: String, _ arguments: JSONValue, token: [String: Secret]? = nil) async -> ToolError? {
                await Harness.failure(shopify, tool, arguments, credentials: token ?? self.token, settings: settings, serviceURL: base)
            }
            let rejected = await failure("get_shop", [:], token: ["accessToken": Secret("shpat_revoked")])
            #expect(rejected?.code == .authRejected && rejected?.details["status"] == 401)
            let blank = await failure("create_product", ["title": "   "])
            #expect(blank?.code == .toolError && blank?.message == "Title can't be blank", "\(String(describing: blank))")
            let unknown = await failure("update_product", ["id": "gid://shopify/Product/1", "title": "x"])
            #expect(unknown?.message == "Product does not exist")
            let taken = await failure("create_customer", ["email": "steve@example.com"])
            #expect(taken?.code == .toolError && taken?.message == "Email has already been taken")
            let field = await failure("raw_graphql", ["query": "{ nope { id } }"])
            #expect(field?.code == .toolError && field?.message == "Field 'nope' doesn't exist on type 'QueryRoot'")
            let variable = await failure("raw_graphql", ["query": "query($id: ID!) { product(id: $id) { id } }"])
            #expect(variable?.message == "Variable $id of type ID! was provided invalid value")
        }
    }

    @Test func eachStoreIsItsOwnConnectionWithItsOwnTokenAndVersion() async throws {
        let shopify = try Harness.connector("shopify")
        #expect(try ServiceURL.resolve(shopify, settings: ["store": "acme-store"], override: nil) == "https://acme-store.myshopify.com")
        #expect(try ServiceURL.resolve(shopify, settings: ["store": "globex"], override: nil) == "https://globex.myshopify.com")
        let acmeLog = RequestLog(), globexLog = RequestLog()
        let globexToken = "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"
        try await ReplicaServer.run(ShopifyReplica.router(log: acmeLog)) { acme in
            try await ReplicaServer.run(ShopifyReplica.router(log: globexLog, token: globexToken, store: "globex", name: "Globex Corporation")) { globex in
                let first = try await Harness.verify(shopify, credentials: token, settings: settings, serviceURL: acme)
                let second = try await Harness.verify(shopify, credentials: ["accessToken": Secret(globexToken)],
                                                      settings: ["store": "globex", "apiVersion": "2025-01"], serviceURL: globex)
                #expect(first.account == "Acme Store" && second.account == "Globex Corporation")
                #expect(second.output["myshopifyDomain"] == "globex.myshopify.com")
                #expect(globexLog.all.first?.uri == "/admin/api/2025-01/graphql.json")
                #expect(globexLog.all.first?.headers["x-shopify-access-token"] == globexToken && acmeLog.all.count == 1)
                let crossed = await Harness.failure(shopify, "get_shop", credentials: token, settings: ["store": "globex"], serviceURL: globex)
                #expect(crossed?.code == .authRejected)
            }
        }
    }
}
