import Foundation
import SpojkaRuns
import Testing

@Suite("Cron")
struct CronTests {
    let sydney = TimeZone(identifier: "Australia/Sydney")!

    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func weekdayMorningsInTheScheduleTimeZone() throws {
        let cron = try Cron("0 9 * * 1-5")
        // Friday 2026-11-27 09:00 in Sydney is 2026-11-26T22:00Z (AEDT, +11).
        let slots = cron.slots(after: date("2026-11-26T00:00:00Z"), through: date("2026-11-30T21:00:00Z"), zone: sydney, limit: 10)
        #expect(slots == [date("2026-11-26T22:00:00Z"), date("2026-11-29T22:00:00Z")], "Saturday and Sunday are skipped")
    }

    @Test func stepsListsNamesAndTheDayRule() throws {
        let utc = TimeZone(identifier: "UTC")!
        #expect(try Cron("*/20 * * * *").slots(after: date("2026-01-01T00:00:00Z"), through: date("2026-01-01T01:00:00Z"), zone: utc, limit: 10).count == 3)
        let monthly = try Cron("30 6 1,15 jan-mar *")
        #expect(monthly.slots(after: date("2026-01-01T00:00:00Z"), through: date("2026-12-31T00:00:00Z"), zone: utc, limit: 100).count == 6)
        // Both day fields restricted: the 13th OR any Friday.
        let either = try Cron("0 0 13 * fri")
        let hits = either.slots(after: date("2026-04-01T00:00:00Z"), through: date("2026-04-30T23:59:00Z"), zone: utc, limit: 100)
        #expect(hits.count == 5, "Fridays 3, 10, 17, 24 and Monday the 13th")
        #expect(try Cron("0 0 * * 7").next(after: date("2026-11-27T00:00:00Z"), zone: utc) == date("2026-11-29T00:00:00Z"), "7 is Sunday")
    }

    @Test func badExpressionsNameTheField() {
        #expect(throws: Cron.Failure.self) { try Cron("* * *") }
        #expect("\((try? Cron("61 * * * *")) == nil)" == "true")
        do { _ = try Cron("0 25 * * *"); Issue.record("accepted hour 25") } catch { #expect("\(error)".contains("hour")) }
        do { _ = try Cron("0 0 * foo *"); Issue.record("accepted month foo") } catch { #expect("\(error)".contains("month")) }
    }
}
