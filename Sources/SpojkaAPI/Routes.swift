import Foundation
import Hummingbird
import SpojkaCore

/// The documentation of one route, the source of the OpenAPI document.
public struct RouteDoc: Sendable {
    /// HTTP method, upper case.
    public let method: String
    /// OpenAPI path, e.g. `/api/v1/workspaces/{ws}`.
    public let path: String
    /// One-line summary.
    public let summary: String
    /// Grouping tag.
    public let tag: String
    /// Whether a bearer token is required.
    public let authenticated: Bool
    /// Accepted body fields, when the route takes a body.
    public let bodyFields: [String]?
    /// Success status.
    public let success: Int
    /// Documented query parameters.
    public let queryParameters: [String]
    /// The body's JSON Schema, when the route takes a body.
    public var bodySchema: JSONValue? = nil
}

/// Registers handlers on the router and records each route's documentation.
struct RouteRegistrar {
    let router: Router<SpojkaRequestContext>
    let tag: String
    private(set) var docs: [RouteDoc] = []

    init(router: Router<SpojkaRequestContext>, tag: String) {
        self.router = router
        self.tag = tag
    }

    typealias Handler = @Sendable (Request, SpojkaRequestContext) async throws -> Response

    /// Adds a route given in OpenAPI path syntax.
    mutating func add(_ method: HTTPRequest.Method, _ path: String, _ summary: String, body: (any APIInput.Type)? = nil,
                      success: Int = 200, query: [String] = [], authenticated: Bool = true, handler: @escaping Handler) {
        let routerPath = path.split(separator: "/").map { part in
            part.hasPrefix("{") ? ":" + part.dropFirst().dropLast() : part
        }.joined(separator: "/")
        router.on(RouterPath(routerPath), method: method) { request, context in try await handler(request, context) }
        docs.append(RouteDoc(method: method.rawValue, path: path, summary: summary, tag: tag, authenticated: authenticated,
                             bodyFields: body.map { $0.fields.sorted() }, success: success, queryParameters: query, bodySchema: body?.schema))
    }
}

/// Response helpers.
enum Reply {
    /// A JSON response.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try APIJSON.encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: .init(bytes: data)))
    }

    /// A JSON value as a response, serialised in linear time however deeply it nests.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: .init(bytes: value.jsonBytes)))
    }

    /// 204 No Content.
    static func noContent() -> Response { Response(status: .noContent) }
}

extension SpojkaRequestContext {
    /// A path parameter that must parse as an ID of `E`; otherwise 404 (like a missing one).
    func id<E: Identified>(_ name: String, _ type: E.Type, what: String) throws -> ID<E> {
        guard let text = parameters.get(name), let id = ID<E>(validating: text) else { throw SpojkaError.notFound(what) }
        return id
    }
}
