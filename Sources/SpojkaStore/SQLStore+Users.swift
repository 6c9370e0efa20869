import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func insertUser(_ user: User, passwordHash: String?) async throws {
        try await db.execute("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                             [.text(user.id.rawValue), .text(user.email), .text(user.name), .text(passwordHash), .date(user.createdAt)])
    }

    func user(_ id: ID<User>) async throws -> User? {
        try await db.first("SELECT id, email, name, created_at FROM users WHERE id = ?", [.text(id.rawValue)]).map(Self.user)
    }

    func user(email: String) async throws -> User? {
        try await db.first("SELECT id, email, name, created_at FROM users WHERE email = ?", [.text(email)]).map(Self.user)
    }

    func passwordHash(of id: ID<User>) async throws -> String? {
        try await db.first("SELECT password_hash FROM users WHERE id = ?", [.text(id.rawValue)])?.optionalString("password_hash")
    }

    func updateUser(_ user: User, passwordHash: String?) async throws {
        try await db.execute("UPDATE users SET name = ?, password_hash = ? WHERE id = ?",
                             [.text(user.name), .text(passwordHash), .text(user.id.rawValue)])
    }

    func countUsers() async throws -> Int {
        Int(try await db.first("SELECT COUNT(*) AS n FROM users")?.int("n") ?? 0)
    }

    static func user(_ row: SQLRow) throws -> User {
        User(id: ID(rawValue: try row.string("id")), email: try row.string("email"),
             name: try row.string("name"), createdAt: try row.date("created_at"))
    }
}
