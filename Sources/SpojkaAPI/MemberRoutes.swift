import Foundation
import Hummingbird
import SpojkaCore
import SpojkaSecrets

struct AddMemberInput: APIInput {
    static let fields: Set<String> = ["email", "role"]
    let email: String
    let role: Role
}

struct ChangeRoleInput: APIInput {
    static let fields: Set<String> = ["role"]
    let role: Role
}

/// Members and roles of a workspace.
struct MemberRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/api/v1/workspaces/{ws}/members", "List members and roles", handler: list)
        r.add(.post, "/api/v1/workspaces/{ws}/members", "Invite a member by email (admin, owner): the answer holds a single-use invitation link",
              body: AddMemberInput.self, success: 201, handler: add)
        r.add(.patch, "/api/v1/workspaces/{ws}/members/{userId}", "Change a member's role (admin, owner)",
              body: ChangeRoleInput.self, handler: change)
        r.add(.delete, "/api/v1/workspaces/{ws}/members/{userId}", "Remove a member (admin, owner, or yourself); lists the OAuth connections they authorised",
              success: 204, handler: remove)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let members = try await services.store.read { try await $0.members(of: workspace.id) }
        return try Reply.json(Page(items: members.map { MemberDTO($0.0, $0.1) }, nextCursor: nil))
    }

    @Sendable func add(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, role) = try await services.access(context, minimum: .admin)
        let input = try await services.body.decode(AddMemberInput.self, from: request)
        if !Rules.email(input.email).isEmpty { throw SpojkaError.validation(Rules.email(input.email)) }
        if input.role == .owner && role != .owner { throw SpojkaError(.forbidden, "Only an owner can add an owner") }
        let services = self.services
        let email = input.email.lowercased()
        // Everyone gets an invitation, registered or not: the answer is the same, reveals no account and claims none.
        let invitation = try await services.store.transaction { tx -> InvitationDTO in
            if let existing = try await tx.user(email: email), try await tx.membership(workspace.id, existing.id) != nil {
                throw SpojkaError(.conflict, "\(email) is already a member")
            }
            let invitation = try await InvitationRoutes.invite(tx, services, email: email, role: input.role, workspace: workspace.id, by: principal.user.id)
            try await services.audit(tx, workspace.id, actor: principal.user.id.rawValue, "member.invited", target: invitation.id,
                                     details: ["role": .string(input.role.rawValue)])
            return invitation
        }
        struct Answer: Encodable { let invitation: InvitationDTO }
        return try Reply.json(Answer(invitation: invitation), status: .created)
    }

    @Sendable func change(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .admin)
        let target = try context.id("userId", User.self, what: "Member")
        let input = try await services.body.decode(ChangeRoleInput.self, from: request)
        let services = self.services
        let (membership, user) = try await services.store.transaction { tx -> (Membership, User) in
            let callerRole = try await Self.lockedRole(tx, workspace.id, principal.user.id)
            guard callerRole >= .admin else { throw SpojkaError(.forbidden, "Only admins and owners can change roles") }
            guard var membership = try await tx.membership(workspace.id, target), let user = try await tx.user(target) else {
                throw SpojkaError.notFound("Member")
            }
            let old = membership.role
            if callerRole != .owner && (old == .owner || input.role == .owner) {
                throw SpojkaError(.forbidden, "Only an owner can grant or take the owner role")
            }
            if old == .owner && input.role != .owner, try await tx.countOwners(of: workspace.id) <= 1 {
                throw SpojkaError(.lastOwner, "A workspace must keep at least one owner")
            }
            membership.role = input.role
            try await tx.upsertMembership(membership)
            try await services.audit(tx, workspace.id, actor: principal.user.id.rawValue, "member.role_changed", target: target.rawValue,
                                     details: ["from": .string(old.rawValue), "to": .string(input.role.rawValue)])
            return (membership, user)
        }
        return try Reply.json(MemberDTO(membership, user))
    }

    @Sendable func remove(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context)
        let target = try context.id("userId", User.self, what: "Member")
        let isSelf = target == principal.user.id
        let services = self.services
        let flagged = try await services.store.transaction { tx -> [ID<Connection>] in
            let callerRole = try await Self.lockedRole(tx, workspace.id, principal.user.id)
            guard isSelf || callerRole >= .admin else { throw SpojkaError(.forbidden, "Only admins and owners can remove members") }
            guard let membership = try await tx.membership(workspace.id, target) else { throw SpojkaError.notFound("Member") }
            if membership.role == .owner {
                if !isSelf && callerRole != .owner { throw SpojkaError(.forbidden, "Only an owner can remove an owner") }
                if try await tx.countOwners(of: workspace.id) <= 1 {
                    throw SpojkaError(.lastOwner, "A workspace must keep at least one owner")
                }
            }
            _ = try await tx.deleteMembership(workspace.id, target)
            // Removed by someone else: their browser sessions end (their other workspaces need a fresh sign-in).
            if !isSelf { try await BrowserSession.endAll(tx, of: target, at: services.clock.now()) }
            try await services.audit(tx, workspace.id, actor: principal.user.id.rawValue, "member.removed", target: target.rawValue,
                                     details: ["role": .string(membership.role.rawValue)])
            return try await services.connections.flagAuthorizerLeft(target, in: workspace.id, actor: principal.user.id.rawValue, tx)
        }
        // OAuth connections the member authorised keep working, but an admin should reconnect them under an account that stays.
        guard !flagged.isEmpty else { return Reply.noContent() }
        return try Reply.json(["flaggedConnections": .array(flagged.map { .string($0.rawValue) })] as JSONValue)
    }

    /// Locks the workspace and re-reads the caller's role, so concurrent changes see each other.
    static func lockedRole(_ tx: any StoreTransaction, _ workspace: ID<Workspace>, _ user: ID<User>) async throws -> Role {
        try await tx.lockWorkspace(workspace)
        guard let membership = try await tx.membership(workspace, user) else { throw SpojkaError.notFound("Workspace") }
        return membership.role
    }
}
