import Foundation
import SpojkaCore

/// A user as the API shows it.
struct UserDTO: Encodable {
    let id: String
    let email: String
    let name: String
    let createdAt: Date

    init(_ user: User) { id = user.id.rawValue; email = user.email; name = user.name; createdAt = user.createdAt }
}

/// A workspace as the API shows it, with the caller's role when known.
struct WorkspaceDTO: Encodable {
    let id: String
    let name: String
    let createdAt: Date
    let role: String?

    init(_ workspace: Workspace, role: Role?) {
        id = workspace.id.rawValue; name = workspace.name; createdAt = workspace.createdAt; self.role = role?.rawValue
    }
}

/// An API token without its secret.
struct TokenDTO: Encodable {
    let id: String
    let name: String
    let createdAt: Date
    let expiresAt: Date?
    let lastUsedAt: Date?
    let revokedAt: Date?
    /// Present only in the answer that creates the token.
    let token: String?
    /// What a scoped token reaches (`nil`: a full token).
    let scope: TokenScope?

    init(_ t: APIToken, text: String? = nil) {
        id = t.id.rawValue; name = t.name; createdAt = t.createdAt; expiresAt = t.expiresAt
        lastUsedAt = t.lastUsedAt; revokedAt = t.revokedAt; token = text; scope = t.scope
    }
}

/// A member of a workspace.
struct MemberDTO: Encodable {
    let user: UserDTO
    let role: String
    let joinedAt: Date

    init(_ membership: Membership, _ user: User) {
        self.user = UserDTO(user); role = membership.role.rawValue; joinedAt = membership.createdAt
    }
}

/// One audit record.
struct AuditDTO: Encodable {
    let id: String
    let at: Date
    let actor: String
    let action: String
    let target: String?
    let outcome: String
    let details: [String: JSONValue]

    init(_ e: AuditEvent) {
        id = e.id.rawValue; at = e.at; actor = e.actor; action = e.action; target = e.target
        outcome = e.outcome; details = e.details
    }
}

/// A page of a list with the cursor of the next page.
struct Page<Item: Encodable>: Encodable {
    let items: [Item]
    let nextCursor: String?
}

/// `{user, token}`: the answer of sign-in routes.
struct SignedIn: Encodable {
    let user: UserDTO
    let token: String
}
