import Foundation
import HTTPTypes
import Hummingbird

/// Serves the web console at `/` for every GET the API routes did not match.
///
/// Added to the router after the API's routes, it only sees requests no route matched: `/assets/…` files,
/// and every other path outside `/api/` gets `index.html` (the console's router draws the page).
public struct ConsoleMiddleware<Context: RequestContext>: RouterMiddleware {
    let assets: ConsoleAssets

    /// Serves `assets`.
    public init(assets: ConsoleAssets) { self.assets = assets }

    /// Headers on every console response: no inline script or style, no framing, no sniffing, no referrer.
    static var securityHeaders: HTTPFields {
        var fields = HTTPFields()
        fields[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        fields[.xContentTypeOptions] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        fields[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        return fields
    }

    /// Answers GETs and HEADs outside `/api/` with a console file; passes everything else on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard request.method == .get || request.method == .head, !Self.isServerPath(path) else {
            return try await next(request, context)
        }
        let asset: ConsoleAsset
        let cacheControl: String
        if path.hasPrefix("/assets/") {
            guard !path.contains(".."), let found = assets.asset(path) else { return try await next(request, context) }
            asset = found
            // Not fingerprinted: revalidate every time (a 304 on loopback costs microseconds).
            cacheControl = "no-cache"
        } else {
            guard let index = assets.index(for: path) else { return try await next(request, context) }
            asset = index
            cacheControl = "no-cache, private"
        }
        return Self.respond(asset, request: request, cacheControl: cacheControl)
    }

    static func isServerPath(_ path: String) -> Bool {
        path == "/api" || path.hasPrefix("/api/") || ["/healthz", "/readyz", "/metrics"].contains(path)
    }

    static func respond(_ asset: ConsoleAsset, request: Request, cacheControl: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = asset.contentType
        headers[.eTag] = asset.etag
        headers[.cacheControl] = cacheControl
        headers[.vary] = "Accept-Encoding"
        if let match = request.headers[.ifNoneMatch],
           match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        var body = asset.body
        if let gzipped = asset.gzipped, acceptsGzip(request.headers[.acceptEncoding]) {
            body = gzipped
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(body.count)
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(bytes: body)))
    }

    /// Whether `Accept-Encoding` allows gzip (a `q=0` refuses it).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.lowercased().split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = pieces.first, coding == "gzip" || coding == "*" else { continue }
            let refused = pieces.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "").hasPrefix("q=0") && !$0.contains(where: { "123456789".contains($0) }) }
            return !refused
        }
        return false
    }
}
