import Foundation
import Hummingbird
import SpojkaCore

/// The workspace audit log (admin, owner).
struct AuditRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/api/v1/workspaces/{ws}/audit", "Read the audit log, newest first (admin, owner)",
              query: ["action", "actor", "since", "cursor", "limit"], handler: list)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context, minimum: .admin)
        let query = try Self.query(request)
        let events = try await services.store.read { try await $0.auditEvents(of: workspace.id, query) }
        let next = events.count == query.limit ? events.last.map { Cursor.encode(at: $0.at, id: $0.id.rawValue) } : nil
        return try Reply.json(Page(items: events.map(AuditDTO.init), nextCursor: next))
    }

    static func query(_ request: Request) throws -> AuditQuery {
        var problems: [(path: String, message: String)] = []
        var query = AuditQuery(action: request.query("action"), actor: request.query("actor"))
        if let since = request.query("since") {
            if let date = APIJSON.parse(since) { query.since = date } else { problems.append(("since", "must be an ISO 8601 date-time")) }
        }
        if let cursor = request.query("cursor") {
            if let decoded = Cursor.decode(cursor) { query.after = AuditCursor(at: decoded.at, id: decoded.id) }
            else { problems.append(("cursor", "is not a cursor from a previous page")) }
        }
        if let limit = request.query("limit") {
            if let n = Int(limit), (1...200).contains(n) { query.limit = n } else { problems.append(("limit", "must be 1 to 200")) }
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        return query
    }
}

/// Opaque page cursors: base64url of `millis:id` (audit) or `name\u{0}id` (by name).
enum Cursor {
    static func encodeText(_ name: String, _ id: String) -> String { base64url(name + "\u{0}" + id) }

    static func decodeText(_ cursor: String) -> (name: String, id: String)? {
        guard let text = unbase64url(cursor), let split = text.firstIndex(of: "\u{0}") else { return nil }
        return (String(text[..<split]), String(text[text.index(after: split)...]))
    }

    static func base64url(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ cursor: String) -> String? {
        var base = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).flatMap { String(data: $0, encoding: .utf8) }
    }

    static func encode(at: Date, id: String) -> String {
        base64url("\(Int64((at.timeIntervalSince1970 * 1000).rounded(.down))):\(id)")
    }

    static func decode(_ cursor: String) -> (at: Date, id: String)? {
        guard let text = unbase64url(cursor), let colon = text.firstIndex(of: ":"), let millis = Int64(text[..<colon]) else { return nil }
        return (Date(timeIntervalSince1970: Double(millis) / 1000), String(text[text.index(after: colon)...]))
    }
}
