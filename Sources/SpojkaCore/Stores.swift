import Foundation

/// Persistence of users and their credentials for signing in.
public protocol UserStore: Sendable {
    /// Stores a new user; throws `conflict` when the email is taken.
    func insertUser(_ user: User, passwordHash: String?) async throws
    /// The user with this ID.
    func user(_ id: ID<User>) async throws -> User?
    /// The user with this (lowercased) email.
    func user(email: String) async throws -> User?
    /// The stored password hash of a user, if they have a password.
    func passwordHash(of id: ID<User>) async throws -> String?
    /// Sets a user's display name and password hash.
    func updateUser(_ user: User, passwordHash: String?) async throws
    /// How many users exist.
    func countUsers() async throws -> Int
}

/// Persistence of workspaces and memberships.
public protocol WorkspaceStore: Sendable {
    /// Stores a new workspace.
    func insertWorkspace(_ workspace: Workspace) async throws
    /// The workspace with this ID.
    func workspace(_ id: ID<Workspace>) async throws -> Workspace?
    /// Renames a workspace.
    func updateWorkspace(_ workspace: Workspace) async throws
    /// Deletes a workspace and everything it owns.
    func deleteWorkspace(_ id: ID<Workspace>) async throws
    /// Locks the workspace row until the transaction ends (serialises membership changes).
    func lockWorkspace(_ id: ID<Workspace>) async throws
    /// The workspaces a user belongs to, with their role, by name.
    func workspaces(of user: ID<User>) async throws -> [(Workspace, Role)]
    /// Inserts or updates a membership.
    func upsertMembership(_ membership: Membership) async throws
    /// The membership of a user in a workspace.
    func membership(_ workspace: ID<Workspace>, _ user: ID<User>) async throws -> Membership?
    /// Every member of a workspace with their user record, by email.
    func members(of workspace: ID<Workspace>) async throws -> [(Membership, User)]
    /// Removes a membership; `false` when there was none.
    func deleteMembership(_ workspace: ID<Workspace>, _ user: ID<User>) async throws -> Bool
    /// How many owners a workspace has.
    func countOwners(of workspace: ID<Workspace>) async throws -> Int
}

/// Persistence of API tokens and invitations (hashes only).
public protocol TokenStore: Sendable {
    /// Stores a new token.
    func insertToken(_ token: APIToken) async throws
    /// The token whose hash is `hash`.
    func token(hash: String) async throws -> APIToken?
    /// A user's tokens, newest first.
    func tokens(of user: ID<User>) async throws -> [APIToken]
    /// Revokes a user's token; `false` when the user has no such usable token.
    func revokeToken(_ id: ID<APIToken>, of user: ID<User>, at: Date) async throws -> Bool
    /// Records that a token authenticated a request.
    func touchToken(_ id: ID<APIToken>, at: Date) async throws
    /// Stores a new invitation.
    func insertInvitation(_ invitation: Invitation) async throws
    /// The invitation whose hash is `hash`.
    func invitation(hash: String) async throws -> Invitation?
    /// Marks an invitation used; `false` when it was already used, withdrawn or had lapsed.
    func acceptInvitation(_ id: ID<Invitation>, at: Date) async throws -> Bool
    /// A workspace's invitations that can still be accepted, newest first.
    func pendingInvitations(of workspace: ID<Workspace>, at: Date) async throws -> [Invitation]
    /// Withdraws pending invitations of a workspace: one by ID, or every one for an email; returns how many.
    func revokeInvitations(of workspace: ID<Workspace>, id: ID<Invitation>?, email: String?, at: Date) async throws -> Int
}

/// The append-only audit log.
public protocol AuditStore: Sendable {
    /// Appends an event.
    func appendAudit(_ event: AuditEvent) async throws
    /// Events of a workspace (and user-level events of its members), newest first.
    func auditEvents(of workspace: ID<Workspace>, _ query: AuditQuery) async throws -> [AuditEvent]
}

/// A workspace data key, wrapped (encrypted) by the master key.
public struct WrappedDataKey: Sendable, Hashable {
    /// Key identifier written into every ciphertext it seals.
    public var keyID: String
    /// The workspace the key belongs to.
    public var workspaceID: ID<Workspace>
    /// The sealed key material.
    public var wrapped: [UInt8]
    /// When the key was made.
    public var createdAt: Date

    /// Creates a record.
    public init(keyID: String, workspaceID: ID<Workspace>, wrapped: [UInt8], createdAt: Date) {
        self.keyID = keyID; self.workspaceID = workspaceID; self.wrapped = wrapped; self.createdAt = createdAt
    }
}

/// Persistence of key material and instance settings.
public protocol KeyStore: Sendable {
    /// An instance-level setting, e.g. the master key fingerprint.
    func setting(_ key: String) async throws -> String?
    /// Sets an instance-level setting.
    func setSetting(_ key: String, _ value: String) async throws
    /// Stores a new data key.
    func insertDataKey(_ key: WrappedDataKey) async throws
    /// The data key of a workspace.
    func dataKey(of workspace: ID<Workspace>) async throws -> WrappedDataKey?
    /// The data key with this key ID.
    func dataKey(id: String) async throws -> WrappedDataKey?
    /// Every data key.
    func allDataKeys() async throws -> [WrappedDataKey]
    /// Replaces a data key's wrapped material (rotation).
    func updateDataKey(_ key: WrappedDataKey) async throws
}

/// All stores, bound to one transaction.
public protocol StoreTransaction: UserStore, WorkspaceStore, TokenStore, AuditStore, KeyStore, ConnectionStore, WorkflowStore, RunStore, OAuthStore,
    OverviewStore {}

/// The database: runs units of work atomically.
public protocol Store: Sendable {
    /// Runs `body` in one transaction: all its writes commit together or none do.
    func transaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Runs `body` for reading (may share a snapshot; writes are not expected).
    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Whether the database answers and every migration is applied.
    func isReady() async -> Bool
}
