import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Connections: many per connector, concurrency")
struct ConnectionStoresTests {
    static let auToken = "shpat_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", usToken = "shpat_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

    @Test func twoShopifyConnectionsReachTwoStores() async throws {
        try await ReplicaServer.run(ShopifyReplica.router(log: RequestLog(), token: Self.auToken, store: "acme-au", name: "Acme AU")) { au in
            try await ReplicaServer.run(ShopifyReplica.router(log: RequestLog(), token: Self.usToken, store: "acme-us", name: "Acme US")) { us in
                try await TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 }).run { api in
                    let owner = try await api.setUp()
                    let path = "/api/v1/workspaces/\(owner.workspace)/connections"
                    var ids: [String] = []
                    for (name, store, token, url) in [("Shopify - AU Store", "acme-au", Self.auToken, au), ("Shopify - US Store", "acme-us", Self.usToken, us)] {
                        let created = try await api.request(.post, path, token: owner.token, body: [
                            "connector": "shopify", "name": .string(name), "credentials": ["accessToken": .string(token)],
                            "settings": ["store": .string(store)], "serviceUrl": .string(url)])
                        #expect(created.status == 201, "\(created.text)")
                        ids.append(created.json["id"]?.stringValue ?? "")
                    }
                    #expect(Set(ids).count == 2)
                    var names: [String] = []
                    for id in ids {
                        let shop = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                                         body: ["connector": "shopify", "tool": "get_shop", "connection": .string(id), "arguments": [:]])
                        names.append(shop.json["output"]?["name"]?.stringValue ?? shop.text)
                    }
                    #expect(names == ["Acme AU", "Acme US"])
                    let accounts = try await api.request(.get, path + "?connector=shopify", token: owner.token)
                    #expect(accounts.json["items"]?.arrayValue?.compactMap { $0["account"]?.stringValue } == ["Acme AU", "Acme US"])
                }
            }
        }
    }

    @Test func concurrentRotateAndDeleteLeaveAConsistentState() async throws {
        let stripe = KeyedStripe()
        stripe.accepted.withLock { $0 = [ConnectionTests.keyA, ConnectionTests.keyB] }
        try await ReplicaServer.run(stripe.router) { base in
            let app = try TestApp(configure: { $0.allowPrivateNetwork = true })
            try await app.run { api in
                let owner = try await api.setUp()
                for round in 0..<4 {
                    let id = try #require(try await ConnectionTests().create(api, owner, base: base, name: "Race \(round)").json["id"]?.stringValue)
                    let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
                    async let rotate = api.request(.put, path + "/credentials", token: owner.token,
                                                   body: ["credentials": ["secretKey": .string(ConnectionTests.keyB)]])
                    async let delete = api.request(.delete, path, token: owner.token)
                    let (r, d) = try await (rotate, delete)
                    #expect(d.status == 204)
                    #expect(r.status == 200 || r.status == 404, "\(r.text)")
                    #expect(try await api.request(.get, path, token: owner.token).status == 404)
                    let sealed = try await app.withStore { store in
                        try await store.read { try await $0.sealedCredentials(of: ID(rawValue: id)) }.count
                    }
                    #expect(sealed == 0, "a deleted connection kept decryptable credentials")
                }
            }
        }
    }
}
