import Foundation
import SpojkaCore

extension SQLStoreTransaction: RunQueueStore {
    /// Claimable: `running` with no lease or an expired one.
    static let claimable = "status = 'running' AND (lease_until IS NULL OR lease_until < ?)"

    func claimQueued(owner: String, now: Date, until: Date, limit: Int, perWorkspace: Int) async throws -> [Run] {
        guard limit > 0 else { return [] }
        var busy: [String: Int] = [:]
        for row in try await db.query("""
            SELECT workspace_id, COUNT(*) AS n FROM runs WHERE status = 'running' AND lease_until >= ? GROUP BY workspace_id
            """, [.date(now)]) {
            busy[try row.string("workspace_id")] = Int(try row.int("n"))
        }
        // At most `perWorkspace` candidates per workspace, so one workspace's backlog cannot hide the others' runs.
        // On PostgreSQL, rows another claimer has locked are passed over (it is taking them).
        let lock = db.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let candidates = try await db.query("""
            SELECT id, workspace_id FROM runs WHERE id IN (
              SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY workspace_id ORDER BY created_at, id) AS rank
                              FROM runs WHERE \(Self.claimable)) ranked WHERE rank <= ?)
            AND \(Self.claimable) ORDER BY created_at, id LIMIT ?\(lock)
            """, [.date(now), .int(Int64(perWorkspace)), .date(now), .int(Int64(limit + perWorkspace))])
        var chosen: [String] = []
        for row in candidates where chosen.count < limit {
            let workspace = try row.string("workspace_id")
            guard busy[workspace, default: 0] < perWorkspace else { continue }
            busy[workspace, default: 0] += 1
            chosen.append(try row.string("id"))
        }
        guard !chosen.isEmpty else { return [] }
        let marks = chosen.map { _ in "?" }.joined(separator: ", ")
        return try await db.query("""
            UPDATE runs SET lease_owner = ?, lease_until = ? WHERE id IN (\(marks)) AND \(Self.claimable) RETURNING *
            """, [.text(owner), .date(until)] + chosen.map { .text($0) } + [.date(now)]).map(Self.run)
            .sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }
    }

    func renewLeases(owner: String, until: Date, executing: [ID<Run>]) async throws -> [(id: ID<Run>, status: Run.Status)] {
        try await renewLeases(owner: owner, until: until)
        guard !executing.isEmpty else { return [] }
        var gone: [(id: ID<Run>, status: Run.Status)] = []
        for start in stride(from: 0, to: executing.count, by: 500) {
            let slice = executing[start..<min(start + 500, executing.count)]
            let marks = slice.map { _ in "?" }.joined(separator: ", ")
            let rows = try await db.query("""
                SELECT id, status FROM runs WHERE id IN (\(marks))
                  AND (status = 'cancelled' OR (status = 'running' AND (lease_owner IS NULL OR lease_owner <> ?)))
                """, slice.map { .text($0.rawValue) } + [.text(owner)])
            for row in rows {
                gone.append((ID(rawValue: try row.string("id")), Run.Status(rawValue: try row.string("status")) ?? .running))
            }
        }
        return gone
    }

    func queueStats(now: Date) async throws -> RunQueueStats {
        let row = try await db.first("SELECT COUNT(*) AS n, MIN(updated_at) AS oldest FROM runs WHERE \(Self.claimable)", [.date(now)])
        return RunQueueStats(depth: Int(try row?.int("n") ?? 0), oldest: row?.optionalDate("oldest"))
    }
}
