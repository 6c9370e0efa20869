import Foundation
import SpojkaCore

/// Where a request carries a connection's credentials.
public struct CarriedCredentials: Sendable, Hashable {
    /// Names of headers that carry a credential (`Authorization` for basic auth).
    public var headers: [String]
    /// Names of query parameters that carry a credential.
    public var query: [String]
    /// Whether the body carries a credential.
    public var body: Bool

    /// Creates a description.
    public init(headers: [String] = [], query: [String] = [], body: Bool = false) {
        self.headers = headers; self.query = query; self.body = body
    }
}

/// `scheme://host:port` of a URL with the scheme's default port filled in; credentials are bound to the
/// origin of their connection's service URL.
public struct URLOrigin: Equatable, Sendable, CustomStringConvertible {
    /// Lowercased scheme.
    public let scheme: String
    /// Lowercased host.
    public let host: String
    /// Port (80 or 443 when the URL names none).
    public let port: Int

    /// The origin of `url`, or `nil` when it is not an absolute URL with a host.
    public init?(_ url: String) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host?.lowercased(), !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = parsed.port ?? (scheme == "https" ? 443 : 80)
    }

    /// `scheme://host:port`.
    public var description: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

/// Headers that frame the message or concern only the hop: a tool call never sets them.
public enum FramingHeaders {
    static let names: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
        "te", "trailer", "upgrade", "expect", "http2-settings",
    ]

    /// Whether `name` is one of them (case-insensitive).
    public static func isFraming(_ name: String) -> Bool { names.contains(name.lowercased()) }
}

/// What a redirect to another origin removes from a request.
public enum CredentialStripping {
    /// Headers dropped on every redirect to another origin, whoever set them.
    static let alwaysDropped: Set<String> = ["authorization", "proxy-authorization", "cookie"]

    /// Removes every credential `request` carries (headers, query parameters) plus `Authorization`,
    /// `Proxy-Authorization` and `Cookie`; throws `TransportError(.blocked)` when the body carrying a
    /// credential would be sent again.
    public static func strip(_ request: inout OutboundRequest) throws {
        let carried = request.credentials ?? CarriedCredentials()
        let headers = alwaysDropped.union(carried.headers.map { $0.lowercased() })
        request.headers.removeAll { headers.contains($0.0.lowercased()) }
        if !carried.query.isEmpty, var components = URLComponents(string: request.url), let items = components.percentEncodedQueryItems {
            let kept = items.filter { item in !carried.query.contains { $0 == (item.name.removingPercentEncoding ?? item.name) } }
            if kept.count != items.count {
                components.percentEncodedQueryItems = kept.isEmpty ? nil : kept
                request.url = components.string ?? request.url
            }
        }
        if carried.body && request.body != nil {
            throw TransportError(.blocked, "a redirect to another origin would send the connection's credentials in the body again")
        }
        request.credentials = nil
    }
}

/// Credentials are bound to the origin of their connection's service URL: a request elsewhere is refused
/// (`blocked_destination`) or, when the connector declares `auth.crossOrigin: "omitCredentials"`, sent
/// without any of them.
extension RequestBuilder {
    /// Applies the connector's auth rules (a credential replaces a caller's header or query parameter of the
    /// same name) and returns where credentials are in the request, or `nil` when it carries none.
    func injectCredentials(_ headers: inout [(String, String)], _ query: inout [(String, String)]) throws -> CarriedCredentials? {
        let callerCount = headers.count
        var placed: [(String, String)] = []
        try applyCredentials(&headers, &placed)
        let injected = headers[callerCount...].map(\.0)
        let names = Set(injected.map { $0.lowercased() })
        headers = headers[..<callerCount].filter { !names.contains($0.0.lowercased()) } + headers[callerCount...]
        query.removeAll { pair in placed.contains { $0.0 == pair.0 } }
        query += placed
        var carried = CarriedCredentials(headers: injected, query: placed.map(\.0))
        // Templates of the request itself may place credentials too.
        for (name, template) in spec.headers ?? [:] where template.contains("credentials") { carried.headers.append(name) }
        for (name, template) in spec.query ?? [:] where Self.mentionsCredentials(template) { carried.query.append(name) }
        carried.body = [spec.json, spec.form, spec.graphql?.variables].contains { $0.map(Self.mentionsCredentials) ?? false }
        let inPath = spec.path.contains("credentials")
        return carried.headers.isEmpty && carried.query.isEmpty && !carried.body && !inPath ? nil : carried
    }

    /// Why credentials must not go to `url`, or `nil` when it is on the service URL's origin.
    func originRefusal(_ url: String) -> String? {
        guard let bound = URLOrigin(serviceURL) else {
            return "This connection has no base URL, so its credentials are sent nowhere: set its base URL, or call without a connection"
        }
        guard let target = URLOrigin(url) else { return "The URL is not an absolute http or https URL" }
        return target == bound ? nil : "This connection's credentials are sent only to \(bound); \(target) is another origin"
    }

    static func mentionsCredentials(_ template: JSONValue) -> Bool { CompactJSON.text(template).contains("credentials") }

    static func withoutCredentials(_ scope: JSONValue) -> JSONValue {
        guard var members = scope.objectValue else { return scope }
        members["credentials"] = .object([:])
        return .object(members)
    }
}
