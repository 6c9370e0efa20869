import Foundation
import SpojkaCore
import SpojkaServer
import SpojkaTestSupport
import Testing

/// Shopify as the seed describes it: one connector using OAuth, one connection per store ("Shopify - AU Store",
/// "Shopify - US Store"), each authorised on its own store and reaching only that store.
@Suite("Shopify: OAuth per store", .serialized)
struct ShopifyOAuthTests {
    func app(_ configure: @escaping @Sendable (inout ServerConfig) -> Void = { _ in }) throws -> TestApp {
        try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1; configure(&$0) })
    }

    @Test func theSeedsTwoStoresEachAuthorisedOnItsOwnStoreAndReachingOnlyIt() async throws {
        let testApp = try app()
        try await ShopifyStores.run(testApp) { shops in
            var ids: [String: String] = [:]
            for store in [shops.au, shops.us] {
                let (id, url) = try await shops.begin(store)
                let query = Dictionary(uniqueKeysWithValues: (URLComponents(string: url)?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
                #expect(url.hasPrefix(store.base + "/admin/oauth/authorize?"), "the store's own authorization endpoint: \(url)")
                #expect(query["client_id"] == ShopifyStores.clientID && query["scope"] == "read_products,write_orders", "\(query)")
                #expect(query["state"]?.hasPrefix("st_") == true && query["code_challenge"] == nil && query["grant_options[]"] == nil, "offline access, no PKCE")
                let callback = try await shops.approve(url)
                #expect(callback.contains { $0 == ("shop", "\(store.key).myshopify.com") } && callback.contains { $0.0 == "hmac" })
                let page = try await shops.callback(callback)
                #expect(page.status == 200 && page.text.contains("Connected"), "\(page.text)")
                let connection = try await shops.connection(id)
                #expect(connection["status"] == "active" && connection["account"] == .string(store.name), "\(connection)")
                #expect(connection["name"] == .string("Shopify - \(store.name)") && connection["serviceUrl"] == .string(store.base))
                ids[store.key] = id
            }
            let (au, us) = (try #require(ids["au-store"]), try #require(ids["us-store"]))
            #expect(shops.au.oauth.count("authorization_code") == 1 && shops.us.oauth.count("authorization_code") == 1)

            let auProducts = try await shops.call(au, "list_products", ["first": 2])
            let usProducts = try await shops.call(us, "list_products", ["first": 2])
            #expect(auProducts.status == 200 && usProducts.status == 200, "\(auProducts.text) \(usProducts.text)")
            #expect(auProducts.json["output"]?["products"]?.arrayValue?.count == 2)
            let order = try await shops.call(au, "create_order", [
                "lineItems": [["variantId": "gid://shopify/ProductVariant/43729076", "quantity": 2],
                              ["title": "Gift wrapping", "quantity": 1, "priceSet": ["shopMoney": ["amount": "5.00", "currencyCode": "USD"]]]],
                "email": "buyer@example.com", "financialStatus": "PAID"])
            #expect(order.status == 200, "\(order.text)")
            #expect(order.json["output"]?["order"]?["name"] == "#1004" && order.json["output"]?["order"]?["totalPriceSet"]?["shopMoney"]?["amount"] == "55.00")
            let sent = try JSONValue(parsing: Array((shops.au.graphQL.last?.body ?? "").utf8))
            #expect(sent["variables"]?["order"]?["lineItems"]?[0] == ["variantId": "gid://shopify/ProductVariant/43729076", "quantity": 2], "\(sent)")
            let auOrders = try await shops.call(au, "list_orders", ["first": 10])
            let usOrders = try await shops.call(us, "list_orders", ["first": 10])
            #expect(auOrders.json["output"]?["orders"]?.arrayValue?.count == 4 && usOrders.json["output"]?["orders"]?.arrayValue?.count == 3,
                    "the order exists in the AU store only")

            // Replica counts: verification + list_products + create_order + list_orders at AU; verification + two lists at US.
            #expect(shops.au.graphQL.count == 4 && shops.us.graphQL.count == 3, "\(shops.au.graphQL.count) \(shops.us.graphQL.count)")
            let auTokens = Set(shops.au.graphQL.compactMap { $0.headers["x-shopify-access-token"] })
            let usTokens = Set(shops.us.graphQL.compactMap { $0.headers["x-shopify-access-token"] })
            #expect(auTokens.count == 1 && usTokens.count == 1 && auTokens.isDisjoint(with: usTokens), "each connection holds its own token")
            #expect(auTokens.allSatisfy(shops.au.oauth.accepts) && usTokens.allSatisfy(shops.us.oauth.accepts))
            let exchange = try #require(shops.au.log.all.first { $0.uri == "/admin/oauth/access_token" })
            #expect(exchange.headers["authorization"] == nil && exchange.body.contains("client_secret=") && exchange.body.contains("expiring=1"))

            let secrets = [ShopifyStores.secret] + Array(auTokens) + Array(usTokens)
            for text in shops.api.transcript.all + testApp.logs.all { #expect(!secrets.contains { text.contains($0) }) }
            try await testApp.withStore { store in
                let sealed = try await store.read { try await $0.sealedCredentials(of: ID<Connection>(rawValue: au)) }
                #expect(Set(sealed.keys) == ["accessToken"], "a non-expiring offline token has no refresh token")
            }
        }
    }

    @Test func aForgedOrForeignCallbackIsRefusedBeforeTheCodeIsUsed() async throws {
        try await ShopifyStores.run(try app()) { shops in
            let (id, url) = try await shops.begin(shops.au)
            let genuine = try await shops.approve(url)
            var forged = genuine
            forged[forged.firstIndex { $0.0 == "hmac" }!].1 = String(repeating: "0", count: 64)
            let refused = try await shops.callback(forged)
            #expect(refused.status == 400 && refused.text.contains("signature"), "\(refused.text)")

            func resigned(_ shop: String) async throws -> [(String, String)] {
                let again = try await shops.api.request(.post, "\(shops.connections)/\(id)/authorize", token: shops.owner.token, body: [:])
                var query = try await shops.approve(try #require(again.json["authorizationUrl"]?.stringValue)).filter { $0.0 != "hmac" }
                query[query.firstIndex { $0.0 == "shop" }!].1 = shop
                return query + [("hmac", ShopifyOAuthStore.sign(query, secret: ShopifyStores.secret))]
            }
            let foreign = try await shops.callback(try await resigned("us-store.myshopify.com"))
            #expect(foreign.status == 400 && foreign.text.contains("this connection is for au-store.myshopify.com"), "\(foreign.text)")
            let notShopify = try await shops.callback(try await resigned("au-store.myshopify.com.evil.example"))
            #expect(notShopify.status == 400 && notShopify.text.contains("myshopify.com store"), "\(notShopify.text)")
            #expect(shops.au.oauth.count("authorization_code") == 0, "no code was exchanged")
            let pending = try await shops.connection(id)
            #expect(pending["status"] == "reauthorize" && pending["credentialFields"] == [])
            let events = try await shops.api.request(.get, "\(shops.connections)/\(id)/events", token: shops.owner.token)
            #expect(events.text.contains("authorization_failed"))

            let fixed = try await shops.api.request(.post, "\(shops.connections)/\(id)/authorize", token: shops.owner.token, body: [:])
            #expect(try await shops.callback(try await shops.approve(try #require(fixed.json["authorizationUrl"]?.stringValue))).status == 200)
            #expect(try await shops.connection(id)["status"] == "active")

            // The OAuth endpoints stay on the store's domain unless the service URL is a loopback replica.
            let proxied = try await shops.begin(shops.us, serviceURL: "https://proxy.example.com")
            #expect(proxied.url.hasPrefix("https://us-store.myshopify.com/admin/oauth/authorize?"), "\(proxied.url)")
            let overridden = try await shops.api.request(.post, "/api/v1/workspaces/\(shops.owner.workspace)/oauth-apps", token: shops.owner.token, body: [
                "connector": "shopify", "name": "Elsewhere", "clientId": "x", "clientSecret": "y", "tokenUrl": "https://collector.example.com/token"])
            #expect(overridden.status == 422 && overridden.text.contains("each store's own domain"), "\(overridden.text)")
        }
    }

    @Test func aLoopbackReplicaIsUnreachableWithoutPrivateNetworks() async throws {
        try await ShopifyStores.run(try TestApp(configure: { $0.httpAttempts = 1 })) { shops in
            let (id, url) = try await shops.begin(shops.au)
            let page = try await shops.callback(try await shops.approve(url))
            #expect(page.status == 502 && shops.au.oauth.count("authorization_code") == 0, "\(page.status) \(page.text)")
            #expect(try await shops.connection(id)["credentialFields"] == [])
        }
    }

    @Test func expiringOfflineTokensAreUsedForMostOfTheirLifeAndRefreshedOnce() async throws {
        let testApp = try app { $0.oauthRefreshTick = 3600 }
        try await ShopifyStores.run(testApp, expiring: true, lifetime: 20) { shops in
            let id = try await shops.connected(shops.au)
            try await testApp.withStore { store in
                let sealed = try await store.read { try await $0.sealedCredentials(of: ID<Connection>(rawValue: id)) }
                #expect(Set(sealed.keys) == ["accessToken", "refreshToken"])
            }
            #expect(try await shops.call(id, "list_products").status == 200)
            testApp.clock.advance(by: 15)
            #expect(try await shops.call(id, "list_products").status == 200)
            #expect(shops.au.oauth.count("refresh_token") == 0, "a 20-second token is not refreshed 15 seconds in (the old 30 s margin did)")
            testApp.clock.advance(by: 4)
            #expect(try await shops.call(id, "list_products").status == 200)
            #expect(shops.au.oauth.count("refresh_token") == 1, "refreshed within the last tenth of its life")
            testApp.clock.advance(by: 30)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 { group.addTask { try await shops.call(id, "list_products").status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 } && shops.au.oauth.count("refresh_token") == 2, "single flight: \(statuses)")
            let used = shops.au.graphQL.compactMap { $0.headers["x-shopify-access-token"] }
            #expect(Set(used).count == 3, "three tokens in turn")

            shops.au.oauth.uninstall()
            let failed = try await shops.call(id, "list_products")
            #expect(failed.errorCode == "auth_rejected", "\(failed.text)")
            let connection = try await shops.connection(id)
            #expect(connection["status"] == "reauthorize" && connection["statusReason"]?.stringValue?.contains("invalid_grant") == true, "\(connection)")
        }
    }
}
