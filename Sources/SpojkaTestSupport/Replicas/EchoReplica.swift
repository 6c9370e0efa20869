import Foundation
import Hummingbird
import SpojkaCore

/// A careless service that echoes the request it received, credentials included (as many real APIs do in
/// debugging endpoints and error messages), so tests can prove that every injected form is scrubbed.
///
/// - `GET|POST /echo…`: 200 `{method, uri, headers, body}` (header names lowercased).
/// - `GET /fail`: 400, `GET /deny`: 401, `GET /down`: 503, each with `{"error": {"message": "…"}}` repeating the
///   `Authorization` header, the `X-API-Key` header and the URI.
public enum EchoReplica {
    /// The replica's routes.
    public static func router(log: RequestLog = RequestLog()) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        for path in ["/echo", "/echo/{rest}"] {
            router.get(RouterPath(path)) { request, _ in try await echo(request) }
            router.post(RouterPath(path)) { request, _ in try await echo(request) }
        }
        for (path, status) in [("/fail", 400), ("/deny", 401), ("/down", 503)] {
            router.get(RouterPath(path)) { request, _ in
                let message = "refused \(ReplicaKit.header(request, "authorization") ?? "-") with key \(ReplicaKit.header(request, "x-api-key") ?? "-")"
                    + " at \(request.uri.description)"
                return ReplicaKit.json(["error": ["message": .string(message)]], status: status)
            }
        }
        return router
    }

    static func echo(_ request: Request) async throws -> Response {
        var headers: [String: JSONValue] = [:]
        for field in request.headers { headers[field.name.canonicalName] = .string(field.value) }
        let body = try await ReplicaKit.text(request)
        return ReplicaKit.json(["method": .string(request.method.rawValue), "uri": .string(request.uri.description),
                                "headers": .object(headers), "body": .string(body)])
    }
}
