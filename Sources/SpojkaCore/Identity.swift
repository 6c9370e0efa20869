import Foundation

/// A person who can sign in.
public struct User: Identified, Sendable, Hashable, Codable {
    /// `usr`.
    public static let idPrefix = "usr"
    /// Stable identifier.
    public var id: ID<User>
    /// Sign-in email, stored lowercased.
    public var email: String
    /// Display name.
    public var name: String
    /// When the user was created.
    public var createdAt: Date

    /// Creates a user value.
    public init(id: ID<User>, email: String, name: String, createdAt: Date) {
        self.id = id; self.email = email; self.name = name; self.createdAt = createdAt
    }
}

/// The tenant boundary: workflows, connections, members, runs and audit log live in one.
public struct Workspace: Identified, Sendable, Hashable, Codable {
    /// `ws`.
    public static let idPrefix = "ws"
    /// Stable identifier.
    public var id: ID<Workspace>
    /// Display name.
    public var name: String
    /// When the workspace was created.
    public var createdAt: Date

    /// Creates a workspace value.
    public init(id: ID<Workspace>, name: String, createdAt: Date) {
        self.id = id; self.name = name; self.createdAt = createdAt
    }
}

/// A member's role in a workspace, from most to least powerful.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Everything, including deleting the workspace.
    case owner
    /// Everything but deleting the workspace or demoting owners.
    case admin
    /// Builds and runs workflows; manages the connections they own.
    case member
    /// Reads.
    case viewer

    /// The power rank: owner 3 … viewer 0.
    public var rank: Int {
        switch self { case .owner: 3; case .admin: 2; case .member: 1; case .viewer: 0 }
    }

    /// Orders roles by power.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// A user's membership of a workspace.
public struct Membership: Sendable, Hashable, Codable {
    /// The workspace.
    public var workspaceID: ID<Workspace>
    /// The member.
    public var userID: ID<User>
    /// Their role.
    public var role: Role
    /// When they joined.
    public var createdAt: Date

    /// Creates a membership value.
    public init(workspaceID: ID<Workspace>, userID: ID<User>, role: Role, createdAt: Date) {
        self.workspaceID = workspaceID; self.userID = userID; self.role = role; self.createdAt = createdAt
    }
}

/// An API token of a user; only its SHA-256 hash is stored.
public struct APIToken: Identified, Sendable, Hashable, Codable {
    /// `tok`.
    public static let idPrefix = "tok"
    /// Stable identifier (not secret).
    public var id: ID<APIToken>
    /// The owning user.
    public var userID: ID<User>
    /// A label chosen by the user.
    public var name: String
    /// Hex SHA-256 of the token text.
    public var hash: String
    /// When the token was created.
    public var createdAt: Date
    /// When it stops working, if ever.
    public var expiresAt: Date?
    /// When it was revoked, if it was.
    public var revokedAt: Date?
    /// When it last authenticated a request.
    public var lastUsedAt: Date?
    /// What the token may reach; `nil` is a full token (the whole API as its user), a scope limits it to MCP.
    public var scope: TokenScope?

    /// Creates a token value.
    public init(id: ID<APIToken>, userID: ID<User>, name: String, hash: String, createdAt: Date,
                expiresAt: Date? = nil, revokedAt: Date? = nil, lastUsedAt: Date? = nil, scope: TokenScope? = nil) {
        self.id = id; self.userID = userID; self.name = name; self.hash = hash
        self.createdAt = createdAt; self.expiresAt = expiresAt; self.revokedAt = revokedAt; self.lastUsedAt = lastUsedAt
        self.scope = scope
    }

    /// Whether the token authenticates at `now`.
    public func isUsable(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }
}

/// A single-use invitation to join one workspace with a role; only its hash is stored.
/// It names an email, never an account: accepting grants membership of its own workspace only, and an
/// email that already has an account must prove it (sign in) before it joins.
public struct Invitation: Identified, Sendable, Hashable, Codable {
    /// `inv`.
    public static let idPrefix = "inv"
    /// Stable identifier.
    public var id: ID<Invitation>
    /// The workspace it grants membership of.
    public var workspaceID: ID<Workspace>
    /// The invited email (lower-cased).
    public var email: String
    /// The role the membership gets.
    public var role: Role
    /// Who invited.
    public var invitedBy: ID<User>?
    /// Hex SHA-256 of the invitation token.
    public var hash: String
    /// When it was created.
    public var createdAt: Date
    /// When the invitation lapses.
    public var expiresAt: Date
    /// When it was accepted, if it was.
    public var acceptedAt: Date?
    /// When it was withdrawn (by an admin, or by a newer invitation for the same email), if it was.
    public var revokedAt: Date?

    /// Creates an invitation value.
    public init(id: ID<Invitation>, workspaceID: ID<Workspace>, email: String, role: Role, invitedBy: ID<User>?, hash: String,
                createdAt: Date, expiresAt: Date, acceptedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id; self.workspaceID = workspaceID; self.email = email; self.role = role; self.invitedBy = invitedBy
        self.hash = hash; self.createdAt = createdAt; self.expiresAt = expiresAt; self.acceptedAt = acceptedAt; self.revokedAt = revokedAt
    }

    /// Whether it can still be accepted at `now`.
    public func isPending(at now: Date) -> Bool { acceptedAt == nil && revokedAt == nil && expiresAt > now }
}
