import Foundation
import SpojkaCore
import SpojkaTestSupport

/// Two Shopify stores (AU and US replicas, each its own authorization server) where one app is installable, and a
/// workspace with that app registered: the seed's example.
struct ShopifyStores: Sendable {
    static let clientID = "spojka-shopify-app", secret = "shpss_CANARY_0123456789abcdef"

    /// One store: its address, its request log and its OAuth side.
    struct Store: Sendable {
        let key: String
        let name: String
        let base: String
        let log: RequestLog
        let oauth: ShopifyOAuthStore

        /// The Admin GraphQL requests it received.
        var graphQL: [RecordedRequest] { log.all.filter { $0.uri.hasSuffix("/graphql.json") } }
    }

    let au: Store
    let us: Store
    let api: TestAPI
    let owner: Owner
    let app: String

    /// Runs `body` with both stores serving and the app registered in a new workspace of `testApp`.
    static func run(_ testApp: TestApp, expiring: Bool = false, lifetime: Int = 3600,
                    _ body: @Sendable (ShopifyStores) async throws -> Void) async throws {
        let (auLog, usLog) = (RequestLog(), RequestLog())
        let auOAuth = ShopifyOAuthStore(clientID: clientID, secret: secret, store: "au-store", expiring: expiring, lifetime: lifetime)
        let usOAuth = ShopifyOAuthStore(clientID: clientID, secret: secret, store: "us-store", expiring: expiring, lifetime: lifetime)
        try await ReplicaServer.run(ShopifyReplica.router(log: auLog, store: "au-store", name: "AU Store", oauth: auOAuth)) { auBase in
            try await ReplicaServer.run(ShopifyReplica.router(log: usLog, store: "us-store", name: "US Store", oauth: usOAuth)) { usBase in
                try await testApp.run { api in
                    let owner = try await api.setUp()
                    let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/oauth-apps", token: owner.token, body: [
                        "connector": "shopify", "name": "Spojka for Shopify", "clientId": .string(clientID), "clientSecret": .string(secret),
                        "scopes": ["read_products", "write_orders"]])
                    guard created.status == 201, let app = created.json["id"]?.stringValue else { throw TestFailure("app: \(created.status) \(created.text)") }
                    try await body(ShopifyStores(au: Store(key: "au-store", name: "AU Store", base: auBase, log: auLog, oauth: auOAuth),
                                                 us: Store(key: "us-store", name: "US Store", base: usBase, log: usLog, oauth: usOAuth),
                                                 api: api, owner: owner, app: app))
                }
            }
        }
    }

    var connections: String { "/api/v1/workspaces/\(owner.workspace)/connections" }

    /// Starts "Shopify - {name}" on `store` (its replica mapped through the service URL); returns its ID and authorization URL.
    func begin(_ store: Store, serviceURL: String? = nil) async throws -> (id: String, url: String) {
        let started = try await api.request(.post, connections, token: owner.token, body: [
            "connector": "shopify", "name": .string("Shopify - \(store.name)"), "oauthApp": .string(app),
            "settings": ["store": .string(store.key)], "serviceUrl": .string(serviceURL ?? store.base)])
        guard started.status == 201, let id = started.json["connection"]?["id"]?.stringValue, let url = started.json["authorizationUrl"]?.stringValue else {
            throw TestFailure("connect: \(started.status) \(started.text)")
        }
        return (id, url)
    }

    /// The store's redirect after the merchant approved, as decoded query pairs.
    func approve(_ url: String) async throws -> [(String, String)] {
        let location = try await ShopifyOAuthStore.consent(url)
        guard let components = URLComponents(string: location), components.path == "/oauth/callback" else { throw TestFailure("redirected to \(location)") }
        return (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
    }

    /// Delivers a callback query to Spojka.
    func callback(_ query: [(String, String)]) async throws -> JSONResponse {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await api.request(.get, "/oauth/callback?" + encoded)
    }

    /// An authorised connection on `store`.
    func connected(_ store: Store) async throws -> String {
        let (id, url) = try await begin(store)
        let page = try await callback(try await approve(url))
        guard page.status == 200 else { throw TestFailure("callback: \(page.status) \(page.text)") }
        return id
    }

    /// Calls a Shopify tool through a connection.
    func call(_ connection: String, _ tool: String, _ arguments: JSONValue = [:]) async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token, body: [
            "connector": "shopify", "tool": .string(tool), "connection": .string(connection), "arguments": arguments])
    }

    func connection(_ id: String) async throws -> JSONValue {
        try await api.request(.get, "\(connections)/\(id)", token: owner.token).json
    }
}
