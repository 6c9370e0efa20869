import Foundation
import Hummingbird
import SpojkaCore
import Synchronization

/// A replica of the Slack Web API (`https://slack.com/api`), served under `/api`.
///
/// Like Slack it answers HTTP 200 with `{"ok": false, "error": "…"}` for every failure (`not_authed`,
/// `invalid_auth`, `channel_not_found`, `no_text`, `message_not_found`, `already_reacted`, `users_not_found`),
/// expects `Authorization: Bearer xoxb-…`, JSON bodies for writes (warning `missing_charset` without
/// `charset=utf-8`), query parameters for reads, and pages with `cursor` / `response_metadata.next_cursor`.
public enum SlackReplica {
    /// The replica's routes; `token` is the one token it accepts.
    public static func router(log: RequestLog, token: String = "xoxb-1234567890-replica") -> Router<BasicRequestContext> {
        let state = SlackState()
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.add(middleware: GateMiddleware { request in
            guard let header = ReplicaKit.header(request, "authorization") else { return failure("not_authed") }
            return header == "Bearer \(token)" ? nil : failure("invalid_auth")
        })
        router.post("/api/auth.test") { _, _ in
            ReplicaKit.json(["ok": true, "url": "https://acme-corp.slack.com/", "team": "Acme Corp", "user": "spojka-bot",
                             "team_id": "T0123ABCD", "user_id": "U0BOT12345", "bot_id": "B0123BOT", "is_enterprise_install": false])
        }
        router.post("/api/chat.postMessage") { request, _ -> Response in
            guard let body = try await writeBody(request) else { return failure("invalid_arguments") }
            guard let channel = body["channel"]?.stringValue.flatMap(state.channelID) else { return failure("channel_not_found") }
            guard body["text"]?.stringValue?.isEmpty == false || body["blocks"]?.arrayValue?.isEmpty == false else { return failure("no_text") }
            let message = state.withLock { data -> JSONValue in
                data.counter += 1
                var message: [String: JSONValue] = ["type": "message", "subtype": "bot_message", "bot_id": "B0123BOT", "user": "U0BOT12345",
                                                    "text": body["text"] ?? "", "ts": .string(String(format: "1700000000.%06d", 100 + data.counter))]
                if let blocks = body["blocks"] { message["blocks"] = blocks }
                if let thread = body["thread_ts"] { message["thread_ts"] = thread }
                data.messages[channel, default: []].insert(.object(message), at: 0)
                return .object(message)
            }
            return answer(["channel": .string(channel), "ts": message["ts"] ?? .null, "message": message], request)
        }
        router.post("/api/chat.update") { request, _ -> Response in
            guard let body = try await writeBody(request) else { return failure("invalid_arguments") }
            guard let channel = body["channel"]?.stringValue.flatMap(state.channelID) else { return failure("channel_not_found") }
            guard let text = body["text"]?.stringValue, !text.isEmpty else { return failure("no_text") }
            let ts = body["ts"]?.stringValue ?? ""
            let updated = state.withLock { data -> JSONValue? in
                guard let index = data.messages[channel]?.firstIndex(where: { $0["ts"]?.stringValue == ts }),
                      case .object(var message)? = data.messages[channel]?[index] else { return nil }
                message["text"] = .string(text)
                message["edited"] = ["user": "U0BOT12345", "ts": "1700000100.000000"]
                data.messages[channel]?[index] = .object(message)
                return .object(message)
            }
            guard let updated else { return failure("message_not_found") }
            return answer(["channel": .string(channel), "ts": .string(ts), "text": .string(text), "message": updated], request)
        }
        router.post("/api/reactions.add") { request, _ -> Response in
            guard let body = try await writeBody(request) else { return failure("invalid_arguments") }
            guard let channel = body["channel"]?.stringValue.flatMap(state.channelID) else { return failure("channel_not_found") }
            guard let name = body["name"]?.stringValue, !name.isEmpty, !name.contains(":") else { return failure("invalid_name") }
            let ts = body["timestamp"]?.stringValue ?? ""
            let problem = state.withLock { data -> String? in
                guard data.messages[channel]?.contains(where: { $0["ts"]?.stringValue == ts }) == true else { return "message_not_found" }
                return data.reactions.insert("\(channel)/\(ts)/\(name)").inserted ? nil : "already_reacted"
            }
            return problem.map(failure) ?? answer([:], request)
        }
        router.get("/api/conversations.list") { request, _ -> Response in
            let types = (ReplicaKit.query(request, "types") ?? "public_channel").split(separator: ",").map(String.init)
            let excludeArchived = ReplicaKit.query(request, "exclude_archived") == "true"
            let channels = state.withLock { $0.channels }.filter { channel in
                let type = channel["is_private"] == true ? "private_channel" : "public_channel"
                return types.contains(type) && !(excludeArchived && channel["is_archived"] == true)
            }
            return paged(channels, key: "channels", request: request, maxLimit: 1000)
        }
        router.get("/api/conversations.history") { request, _ -> Response in
            guard let channel = ReplicaKit.query(request, "channel").flatMap(state.channelID) else { return failure("channel_not_found") }
            let oldest = Double(ReplicaKit.query(request, "oldest") ?? "0") ?? 0
            let latest = Double(ReplicaKit.query(request, "latest") ?? "") ?? .infinity
            let messages = state.withLock { $0.messages[channel] ?? [] }.filter {
                let ts = Double($0["ts"]?.stringValue ?? "") ?? 0
                return ts > oldest && ts < latest
            }
            return paged(messages, key: "messages", request: request, maxLimit: 999)
        }
        router.get("/api/users.list") { request, _ in paged(state.withLock { $0.users }, key: "members", request: request, maxLimit: 1000) }
        router.get("/api/users.lookupByEmail") { request, _ -> Response in
            let email = ReplicaKit.query(request, "email")
            guard let user = state.withLock({ $0.users.first { $0["profile"]?["email"]?.stringValue == email && email != nil } }) else {
                return failure("users_not_found")
            }
            return ReplicaKit.json(["ok": true, "user": user])
        }
        return router
    }

    static func failure(_ error: String) -> Response { ReplicaKit.json(["ok": false, "error": .string(error)]) }

    /// The JSON body of a write method, or nil when it is not JSON.
    static func writeBody(_ request: Request) async throws -> [String: JSONValue]? {
        guard ReplicaKit.mediaType(request) == "application/json" else { return nil }
        return try await ReplicaKit.jsonBody(request)?.objectValue
    }

    /// `{"ok": true, …}` with Slack's `missing_charset` warning when the JSON content type has no charset.
    static func answer(_ members: [String: JSONValue], _ request: Request) -> Response {
        var body = members
        body["ok"] = true
        if !(ReplicaKit.header(request, "content-type") ?? "").lowercased().contains("charset=utf-8") {
            body["warning"] = "missing_charset"
            body["response_metadata"] = ["warnings": ["missing_charset"]]
        }
        return ReplicaKit.json(.object(body))
    }

    /// One page of `items` after `cursor` (an opaque base64 offset), `limit` items (default 100).
    static func paged(_ items: [JSONValue], key: String, request: Request, maxLimit: Int) -> Response {
        guard let limit = ReplicaKit.int(request, "limit", 1...maxLimit, fallback: 100) else { return failure("invalid_limit") }
        var start = 0
        if let cursor = ReplicaKit.query(request, "cursor"), !cursor.isEmpty {
            guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("offset:"),
                  let offset = Int(text.dropFirst(7)), (0...items.count).contains(offset) else { return failure("invalid_cursor") }
            start = offset
        }
        let end = min(items.count, start + limit)
        let next = end < items.count ? Data("offset:\(end)".utf8).base64EncodedString() : ""
        var body: [String: JSONValue] = ["ok": true, key: .array(Array(items[start..<end])), "response_metadata": ["next_cursor": .string(next)]]
        if key == "messages" { body["has_more"] = .bool(end < items.count) }
        return ReplicaKit.json(.object(body))
    }
}

/// The workspace a ``SlackReplica`` holds.
struct SlackData {
    var channels: [JSONValue] = [
        ("C0123456789", "general", false, false), ("C0123456790", "random", false, false), ("C0123456791", "dev", false, false),
        ("G0123456792", "leadership", true, false), ("C0123456793", "old-project", false, true),
    ].map { id, name, isPrivate, archived in
        ["id": .string(id), "name": .string(name), "is_channel": true, "is_group": .bool(isPrivate), "is_im": false, "is_private": .bool(isPrivate),
         "is_archived": .bool(archived), "is_general": .bool(name == "general"), "is_member": true, "created": 1_449_252_889,
         "creator": "U0123ABCD1", "num_members": 4, "topic": ["value": "", "creator": "", "last_set": 0]]
    }
    var users: [JSONValue] = [
        ("U0123ABCD1", "spengler", "Egon Spengler", "spengler@ghostbusters.example.com", false),
        ("U0123ABCD2", "venkman", "Peter Venkman", "venkman@ghostbusters.example.com", false),
        ("U0BOT12345", "spojka-bot", "Spojka", "", true),
    ].map { id, name, real, email, bot in
        ["id": .string(id), "team_id": "T0123ABCD", "name": .string(name), "real_name": .string(real), "deleted": false,
         "is_bot": .bool(bot), "is_admin": false, "tz": "Europe/Prague",
         "profile": ["real_name": .string(real), "display_name": .string(name), "email": email.isEmpty ? .null : .string(email)]]
    }
    var messages: [String: [JSONValue]] = ["C0123456789": (1...3).reversed().map { n in
        ["type": "message", "user": "U0123ABCD1", "text": .string("Earlier message \(n)"), "ts": .string("1699999999.00000\(n)")]
    }]
    var reactions: Set<String> = []
    var counter = 0
}

/// Mutex-guarded ``SlackData``.
final class SlackState: Sendable {
    private let data = Mutex(SlackData())
    func withLock<T: Sendable>(_ body: (inout SlackData) -> T) -> T { data.withLock { body(&$0) } }
    /// The channel ID for an ID, a name or `#name`.
    func channelID(_ reference: String) -> String? {
        let name = reference.hasPrefix("#") ? String(reference.dropFirst()) : reference
        return withLock { $0.channels.first { $0["id"]?.stringValue == reference || $0["name"]?.stringValue == name }?["id"]?.stringValue }
    }
}
