import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week) evaluated in an IANA time zone.
///
/// Fields take `*`, numbers, ranges `a-b`, lists `a,b`, steps `*/n` or `a-b/n`, month and weekday names;
/// weekday 0 and 7 are Sunday. When both day fields are restricted, a day matching either fires (as in cron).
public struct Cron: Sendable, Hashable {
    /// A cron expression that does not parse, naming the field.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    let minutes: Set<Int>
    let hours: Set<Int>
    let days: Set<Int>
    let months: Set<Int>
    let weekdays: Set<Int>
    let daysRestricted: Bool
    let weekdaysRestricted: Bool

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses an expression such as `0 9 * * 1-5`.
    public init(_ text: String) throws {
        let fields = text.split(whereSeparator: \.isWhitespace).map { String($0).lowercased() }
        guard fields.count == 5 else { throw Failure(description: "a cron expression has 5 fields (minute hour day month weekday), found \(fields.count)") }
        minutes = try Self.field(fields[0], "minute", 0...59, names: [])
        hours = try Self.field(fields[1], "hour", 0...23, names: [])
        days = try Self.field(fields[2], "day of month", 1...31, names: [])
        months = try Self.field(fields[3], "month", 1...12, names: Self.monthNames, offset: 1)
        weekdays = Set(try Self.field(fields[4], "day of week", 0...7, names: Self.dayNames).map { $0 % 7 })
        daysRestricted = fields[2] != "*"
        weekdaysRestricted = fields[4] != "*"
    }

    static func field(_ text: String, _ name: String, _ range: ClosedRange<Int>, names: [String], offset: Int = 0) throws -> Set<Int> {
        var out: Set<Int> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw Failure(description: "\(name): \(part) has more than one /") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else { throw Failure(description: "\(name): step \(pieces[1]) is not a positive number") }
                step = s
            }
            let base = String(pieces[0])
            var bounds: ClosedRange<Int>
            if base == "*" { bounds = range } else {
                let ends = try base.split(separator: "-", omittingEmptySubsequences: false).map { try value(String($0), name, range, names, offset) }
                guard ends.count <= 2, let low = ends.first, let high = ends.last, low <= high else {
                    throw Failure(description: "\(name): \(base) is not a value or an ascending range")
                }
                bounds = low...(pieces.count == 2 && ends.count == 1 ? range.upperBound : high)
            }
            out.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return out
    }

    static func value(_ text: String, _ name: String, _ range: ClosedRange<Int>, _ names: [String], _ offset: Int) throws -> Int {
        if let index = names.firstIndex(of: text) { return index + offset }
        guard let n = Int(text), range.contains(n) else { throw Failure(description: "\(name): \(text) is outside \(range.lowerBound)-\(range.upperBound)") }
        return n
    }

    /// Whether the minute starting at `date` matches, in `calendar`'s time zone.
    public func matches(_ date: Date, calendar: Calendar) -> Bool { skip(date, calendar: calendar) == 0 }

    /// 0 when `date`'s minute matches; otherwise how many minutes can be skipped safely.
    func skip(_ date: Date, calendar: Calendar) -> Int {
        let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        guard let minute = c.minute, let hour = c.hour, let day = c.day, let month = c.month, let weekday = c.weekday else { return 1 }
        let dayHit = days.contains(day), weekdayHit = weekdays.contains(weekday - 1)
        let dayMatches = daysRestricted && weekdaysRestricted ? dayHit || weekdayHit : dayHit && weekdayHit
        // Skips stop at the next hour: local days are 23 or 25 hours long around DST changes.
        if !months.contains(month) || !dayMatches || !hours.contains(hour) { return 60 - minute }
        return minutes.contains(minute) ? 0 : 1
    }

    /// Matching minutes in `(after, through]`, oldest first, at most `limit`.
    public func slots(after: Date, through: Date, zone: TimeZone, limit: Int) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var minute = (after.timeIntervalSince1970 / 60).rounded(.down) + 1
        let last = (through.timeIntervalSince1970 / 60).rounded(.down)
        var out: [Date] = []
        while minute <= last, out.count < limit {
            let date = Date(timeIntervalSince1970: minute * 60)
            let skip = skip(date, calendar: calendar)
            if skip == 0 { out.append(date) }
            minute += Double(max(1, skip))
        }
        return out
    }

    /// The next matching minute after `date` within a year.
    public func next(after date: Date, zone: TimeZone) -> Date? {
        slots(after: date, through: date.addingTimeInterval(366 * 86400), zone: zone, limit: 1).first
    }
}
