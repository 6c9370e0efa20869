import Foundation
import Logging
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

/// The SQLite driver's own connections: statements prepared once and reused, one thread per connection.
@Suite("SQLite driver")
struct SQLiteDriverTests {
    @Test
    func valuesComeBackWithTheirTypesFromTheWriterAndAReader() async throws {
        try await TestDatabase.withDriver(.sqlite) { driver in
            let sql = "SELECT ? AS i, ? AS d, ? AS t, ? AS n, '' AS e, CAST('é' AS BLOB) AS b"
            let binds: [SQLValue] = [.int(Int64.max), .double(2.5), .text("žluťoučký 🐴"), .null]
            let expected: SQLRow = ["i": .int(Int64.max), "d": .double(2.5), "t": .text("žluťoučký 🐴"), "n": .null, "e": .text(""), "b": .text("é")]
            let written = try await driver.transaction { try await $0.query(sql, binds) }
            let read = try await driver.withConnection { try await $0.query(sql, binds) }
            #expect(written == [expected])
            #expect(read == [expected])
        }
    }

    @Test
    func aFailedStatementFailsItsTransactionAndItsPreparedStatementWorksAgainAfterwards() async throws {
        try await TestDatabase.withDriver(.sqlite) { driver in
            try await driver.transaction { try await $0.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)") }
            let insert = "INSERT INTO t (k, v) VALUES (?, ?)"
            try await driver.transaction { try await $0.execute(insert, [.text("a"), .int(1)]) }
            do {
                try await driver.transaction { db in
                    try await db.execute(insert, [.text("b"), .int(2)])
                    try await db.execute(insert, [.text("a"), .int(3)])
                }
                Issue.record("a duplicate key was accepted")
            } catch let error as StoreError {
                #expect(error.code == .uniqueViolation)
            }
            try await driver.transaction { try await $0.execute(insert, [.text("c"), .int(4)]) }
            let rows = try await driver.withConnection { try await $0.query("SELECT k FROM t ORDER BY k", []) }
            #expect(rows.compactMap { $0["k"]?.text } == ["a", "c"])
        }
    }

    @Test
    func concurrentTransactionsThatAwaitElsewhereAllCommitAndSurviveAReopen() async throws {
        let dir = try TestDatabase.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/reopen.sqlite"
        try await SQLiteDriver.open(path: path, logger: Logger(label: "test")).shuttingDown { driver in
            try await driver.transaction { try await $0.execute("CREATE TABLE t (n INTEGER NOT NULL)") }
            let other = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<64 {
                    group.addTask {
                        try await driver.transaction { db in
                            try await db.execute("INSERT INTO t (n) VALUES (?)", [.int(Int64(n))])
                            await other.bump()  // an await on another actor inside the transaction
                            try await db.execute("INSERT INTO t (n) VALUES (?)", [.int(Int64(n + 1000))])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let bumps = await other.value
            #expect(bumps == 64)
        }
        let count = try await SQLiteDriver.open(path: path, logger: Logger(label: "test")).shuttingDown { driver in
            try await driver.withConnection { try await $0.first("SELECT COUNT(*) AS c FROM t WHERE n < 1000 OR n >= 1000") }?["c"]
        }
        #expect(count == .int(128))
    }
}

private actor Counter {
    var value = 0
    func bump() { value += 1 }
}
