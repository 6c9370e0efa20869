import Crypto
import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// Shopify's variant of OAuth 2.0 (manifest `oauth2.dialect: "shopify"`).
///
/// Every store is its own authorization server: the endpoints are paths on the store's domain
/// `https://{settings.store}.myshopify.com`. The callback carries `shop`, which must be a `*.myshopify.com` host
/// and the connection's own store, and `hmac`, an HMAC-SHA256 of the other parameters with the app's client
/// secret. The client authenticates in the token request's form; access is offline (no per-user grant options),
/// expiring with a refresh token when the store issues such tokens (asked for with `expiring=1`).
///
/// Local replicas: a connection whose service URL is a loopback address (`http://127.0.0.1:PORT`) has its store's
/// domain mapped there for the OAuth endpoints too. That address is only reachable when the operator allows private
/// networks (`SPOJKA_ALLOW_PRIVATE_NETWORK=true`, off by default), and the `shop` check is never relaxed: the
/// replica answers as `{store}.myshopify.com`. Any other service URL leaves the OAuth endpoints on the store's own
/// domain, so the app's client secret goes to Shopify or to this machine, never to a host a member typed in.
enum ShopifyOAuth {
    /// The dialect's name in manifests.
    static let dialect = "shopify"

    /// Whether `manifest` authorizes with this dialect.
    static func applies(to manifest: ConnectorManifest?) -> Bool {
        manifest?.auth.oauth2?.dialect == dialect
    }

    /// Whether `host` is a store's own domain: `{name}.myshopify.com`, the name of letters, digits and hyphens.
    static func isShopHost(_ host: String) -> Bool {
        host.wholeMatch(of: /[a-zA-Z0-9][a-zA-Z0-9\-]*\.myshopify\.com/) != nil
    }

    /// The domain of the store a connection's settings name (`{store}.myshopify.com`), lowercased.
    static func shopDomain(_ settings: JSONValue) -> String? {
        guard let store = settings["store"]?.stringValue, isShopHost(store + ".myshopify.com") else { return nil }
        return store.lowercased() + ".myshopify.com"
    }

    /// The endpoints of the connection's store.
    static func endpoints(_ spec: OAuth2Spec?, _ connection: Connection) throws -> OAuthEndpoints {
        guard let shop = shopDomain(connection.settings) else {
            throw SpojkaError.validation([("settings.store", "names no Shopify store (acme for acme.myshopify.com)")])
        }
        let origin = origin(shop: shop, serviceURL: connection.serviceURL)
        return OAuthEndpoints(authorization: origin + (spec?.authorizationUrl ?? "/admin/oauth/authorize"),
                              token: origin + (spec?.tokenUrl ?? "/admin/oauth/access_token"), userinfo: nil)
    }

    /// `https://{shop}`, or the origin of a loopback service URL (a local replica of the store).
    static func origin(shop: String, serviceURL: String?) -> String {
        guard let serviceURL, let url = URLComponents(string: serviceURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, isLoopback(host) else { return "https://" + shop }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// A loopback IP literal (127.0.0.0/8 or ::1); names are not trusted here.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Why a callback is not the store's own answer for this connection, or `nil` when it is: the `hmac` must match
    /// (compared in constant time) and `shop` must be a `*.myshopify.com` host equal to the connection's store.
    static func problem(_ query: [(String, String)], secret: Secret, settings: JSONValue) -> String? {
        let names = query.map(\.0)
        guard Set(names).count == names.count else { return "The callback repeats a parameter, so its signature cannot be checked. Nothing was stored." }
        guard let hmac = query.first(where: { $0.0 == "hmac" })?.1, hmac.count == 64, let given = WebhookSignature.hexBytes(hmac),
              HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data(signedMessage(query).utf8),
                                                     using: SymmetricKey(data: Data(secret.reveal().utf8))) else {
            return "The callback's signature (hmac) does not match this app's client secret, so it did not come from Shopify. Nothing was stored."
        }
        guard let shop = query.first(where: { $0.0 == "shop" })?.1, isShopHost(shop) else {
            return "The callback names no *.myshopify.com store. Nothing was stored."
        }
        guard shop.lowercased() == shopDomain(settings) else {
            return "The callback is from \(shop), but this connection is for \(shopDomain(settings) ?? "another store"). Nothing was stored."
        }
        return nil
    }

    /// What Shopify signs: every parameter but `hmac` (and the legacy `signature`), sorted by name, as `name=value`
    /// joined with `&`; `%` and `&` (and `=` in names) are percent-escaped so that no pair can pass for another.
    static func signedMessage(_ query: [(String, String)]) -> String {
        func escape(_ text: String, name: Bool) -> String {
            var out = text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "&", with: "%26")
            if name { out = out.replacingOccurrences(of: "=", with: "%3D") }
            return out
        }
        return query.filter { $0.0 != "hmac" && $0.0 != "signature" }
            .map { (escape($0.0, name: true), escape($0.1, name: false)) }
            .sorted { $0.0 < $1.0 }.map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    /// The authorization URL's query: client, comma-separated scopes, redirect and state (offline access: no
    /// `grant_options[]`).
    static func authorizeQuery(clientID: String, scopes: [String], redirectURI: String, state: String) -> [(String, String)] {
        [("client_id", clientID), ("scope", scopes.joined(separator: ",")), ("redirect_uri", redirectURI), ("state", state)]
    }
}
