import Foundation
import SpojkaCore

extension SQLStoreTransaction: RunQueueStore {
    /// Claimable: `running` with no lease or an expired one.
    static let claimable = "status = 'running' AND (lease_until IS NULL OR lease_until < ?)"

    func claimQueued(owner: String, now: Date, until: Date, limit: Int, perWorkspace: Int) async throws -> [Run] {
        guard limit > 0 else { return [] }
        // Oldest first, at most as many per workspace as it has free slots (so one workspace's backlog neither exceeds its
        // limit nor hides the other workspaces' runs). Three times `limit` candidates, so that concurrent claimers
        // passing over each other's rows still find work.
        let candidates = try await db.query("""
            SELECT q.id FROM (
              SELECT id, workspace_id, created_at, ROW_NUMBER() OVER (PARTITION BY workspace_id ORDER BY created_at, id) AS rank
              FROM runs WHERE \(Self.claimable)) q
            LEFT JOIN (SELECT workspace_id, COUNT(*) AS n FROM runs WHERE status = 'running' AND lease_until >= ? GROUP BY workspace_id) b
              ON b.workspace_id = q.workspace_id
            WHERE q.rank + COALESCE(b.n, 0) <= ? ORDER BY q.created_at, q.id LIMIT ?
            """, [.date(now), .date(now), .int(Int64(perWorkspace)), .int(Int64(limit * 3))]).map { try $0.string("id") }
        guard !candidates.isEmpty else { return [] }
        let marks = candidates.map { _ in "?" }.joined(separator: ", ")
        // On PostgreSQL, rows another claimer is taking right now are passed over (SKIP LOCKED), never waited for.
        let lock = db.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.query("""
            UPDATE runs SET lease_owner = ?, lease_until = ? WHERE id IN (
              SELECT id FROM runs WHERE id IN (\(marks)) AND \(Self.claimable) ORDER BY created_at, id LIMIT ?\(lock))
            RETURNING *
            """, [.text(owner), .date(until)] + candidates.map { .text($0) } + [.date(now), .int(Int64(limit))]).map(Self.run)
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
