import Foundation

/// One append-only audit record: who did what to which target, and how it ended.
public struct AuditEvent: Identified, Sendable, Hashable, Codable {
    /// `aud`.
    public static let idPrefix = "aud"
    /// Stable identifier.
    public var id: ID<AuditEvent>
    /// The workspace it concerns; `nil` for user-level events (API tokens), shown to the user's workspaces.
    public var workspaceID: ID<Workspace>?
    /// When it happened.
    public var at: Date
    /// The acting user's ID, or `system`.
    public var actor: String
    /// What was done, e.g. `member.added`.
    public var action: String
    /// The thing acted on (an ID), if any.
    public var target: String?
    /// `success` or `failure`.
    public var outcome: String
    /// Non-secret details.
    public var details: [String: JSONValue]

    /// Creates an audit record.
    public init(id: ID<AuditEvent>, workspaceID: ID<Workspace>?, at: Date, actor: String, action: String,
                target: String?, outcome: String = "success", details: [String: JSONValue] = [:]) {
        self.id = id; self.workspaceID = workspaceID; self.at = at; self.actor = actor; self.action = action
        self.target = target; self.outcome = outcome; self.details = details
    }
}

/// Filters and position for reading the audit log, newest first.
public struct AuditQuery: Sendable, Hashable {
    /// Only this action.
    public var action: String?
    /// Only this actor.
    public var actor: String?
    /// Only events at or after this instant.
    public var since: Date?
    /// Continue after this event (from a previous page's last item).
    public var after: AuditCursor?
    /// Page size.
    public var limit: Int

    /// Creates a query.
    public init(action: String? = nil, actor: String? = nil, since: Date? = nil, after: AuditCursor? = nil, limit: Int = 50) {
        self.action = action; self.actor = actor; self.since = since; self.after = after; self.limit = limit
    }
}

/// The position of an audit event in newest-first order.
public struct AuditCursor: Sendable, Hashable {
    /// The event's time.
    public var at: Date
    /// The event's ID (tie-breaker).
    public var id: String

    /// Creates a cursor.
    public init(at: Date, id: String) { self.at = at; self.id = id }
}
