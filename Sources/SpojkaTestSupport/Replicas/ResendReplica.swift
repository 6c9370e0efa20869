import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpojkaCore
import Synchronization

/// A replica of the Resend API (`https://api.resend.com`): `POST /emails`, `GET /emails/{id}`, `GET /domains`.
///
/// Checks what Resend checks: `Authorization: Bearer re_…` (401 `missing_api_key`, 403 `invalid_api_key`),
/// a JSON body, and the required `from`, `to`, `subject` and a body (422 `missing_required_field` /
/// `validation_error`). Sent emails are kept so `GET /emails/{id}` finds them.
public enum ResendReplica {
    /// The replica's routes; `token` is the one API key it accepts.
    public static func router(log: RequestLog, token: String = "re_123456789_ReplicaKey") -> Router<BasicRequestContext> {
        let router = Router()
        let sent = Mutex<[String: JSONValue]>([:])
        router.add(middleware: RecordingMiddleware(log: log))
        router.add(middleware: GateMiddleware { request in
            guard let header = ReplicaKit.header(request, "authorization") else {
                return error(401, "missing_api_key", "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY")
            }
            return header == "Bearer \(token)" ? nil : error(403, "invalid_api_key", "API key is invalid")
        })
        router.post("/emails") { request, _ -> Response in
            guard ReplicaKit.mediaType(request) == "application/json", let body = try await ReplicaKit.jsonBody(request)?.objectValue else {
                return error(422, "validation_error", "Invalid JSON body.")
            }
            for field in ["from", "to", "subject"] where body[field] == nil {
                return error(422, "missing_required_field", "Missing `\(field)` field.")
            }
            guard body["html"] != nil || body["text"] != nil || body["react"] != nil else {
                return error(422, "validation_error", "Missing `html` or `text` field.")
            }
            let to = body["to"].map { $0.arrayValue ?? [$0] } ?? []
            guard to.count <= 50, to.allSatisfy({ $0.stringValue?.contains("@") == true }) else {
                return error(422, "validation_error", "Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.")
            }
            let count = sent.withLock { $0.count }
            let id = String(format: "49a3999c-0ce1-4ea6-ab68-afcd6dc2%04x", count)
            let stored: JSONValue = .object([
                "object": "email", "id": .string(id), "to": .array(to), "from": body["from"] ?? .null,
                "subject": body["subject"] ?? .null, "html": body["html"] ?? .null, "text": body["text"] ?? .null,
                "cc": body["cc"].map { $0.arrayValue.map(JSONValue.array) ?? .array([$0]) } ?? .array([.null]),
                "bcc": body["bcc"].map { $0.arrayValue.map(JSONValue.array) ?? .array([$0]) } ?? .array([.null]),
                "reply_to": body["reply_to"].map { $0.arrayValue.map(JSONValue.array) ?? .array([$0]) } ?? .array([.null]),
                "created_at": "2023-04-03 22:13:42.674981+00", "last_event": "delivered",
            ])
            sent.withLock { $0[id] = stored }
            return ReplicaKit.json(["id": .string(id)])
        }
        router.get("/emails/{id}") { _, context -> Response in
            guard let id = context.parameters.get("id"), let email = sent.withLock({ $0[id] }) else {
                return error(404, "not_found", "Email not found")
            }
            return ReplicaKit.json(email)
        }
        router.get("/domains") { _, _ in
            ReplicaKit.json(["object": "list", "has_more": false, "data": [
                ["id": "d91cd9bd-1176-453e-8fc1-35364d380206", "name": "acme.example", "status": "verified",
                 "created_at": "2023-04-26T20:21:26.347412+00:00", "region": "us-east-1"],
                ["id": "5f0a1c55-1b44-4d8b-9a8e-8e1f3c1f2b11", "name": "mail.acme.example", "status": "not_started",
                 "created_at": "2023-05-02T09:00:00.000000+00:00", "region": "eu-west-1"],
            ]])
        }
        return router
    }

    static func error(_ status: Int, _ name: String, _ message: String) -> Response {
        ReplicaKit.json(["statusCode": .int(status), "message": .string(message), "name": .string(name)], status: status)
    }
}

/// Answers a request before the routes when `check` returns a response (authentication gates of replicas).
struct GateMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let check: @Sendable (Request) -> Response?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let answer = check(request) { return answer }
        return try await next(request, context)
    }
}

/// Small helpers the API replicas share: JSON answers, bodies, headers, query values and form decoding.
enum ReplicaKit {
    static func json(_ value: JSONValue, status: Int = 200, headers: [(String, String)] = []) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        for (name, text) in headers { if let field = HTTPField.Name(name) { fields[field] = text } }
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data))))
    }

    /// The body text (already buffered by the recording middleware).
    static func text(_ request: Request) async throws -> String {
        var request = request
        return String(buffer: try await request.collectBody(upTo: 4 << 20))
    }

    /// The body as JSON, or nil when it is not JSON.
    static func jsonBody(_ request: Request) async throws -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(try await text(request).utf8))
    }

    /// A header value by case-insensitive name.
    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name.lowercased() }?.value
    }

    /// The media type of the body, lowercased, without parameters.
    static func mediaType(_ request: Request) -> String {
        (header(request, "content-type") ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// The last value of query parameter `name` (the runtime appends pagination cursors after the caller's own).
    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.getAll(name).last
    }

    /// An integer query parameter within `range`, `fallback` when absent, nil when invalid.
    static func int(_ request: Request, _ name: String, _ range: ClosedRange<Int>, fallback: Int) -> Int? {
        guard let text = query(request, name) else { return fallback }
        guard let value = Int(text), range.contains(value) else { return nil }
        return value
    }

    /// Decodes `application/x-www-form-urlencoded` with bracket nesting (`metadata[plan]=pro` → `{"metadata":{"plan":"pro"}}`).
    static func form(_ text: String) -> JSONValue {
        var root: [String: JSONValue] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            var path: [String] = []
            if let open = key.firstIndex(of: "[") {
                path.append(String(key[..<open]))
                var rest = key[open...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    path.append(String(rest[rest.index(after: rest.startIndex)..<close]))
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                path = [key]
            }
            insert(&root, path[...], value)
        }
        return .object(root)
    }

    static func insert(_ object: inout [String: JSONValue], _ path: ArraySlice<String>, _ value: String) {
        guard let head = path.first else { return }
        if path.count == 1 { object[head] = .string(value); return }
        var child = object[head]?.objectValue ?? [:]
        insert(&child, path.dropFirst(), value)
        object[head] = .object(child)
    }

    static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}
