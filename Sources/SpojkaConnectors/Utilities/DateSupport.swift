import Foundation

/// A date read from tool input: the instant, its written UTC offset (if any) and whether it was a bare date.
struct ParsedDate: Sendable {
    /// The instant.
    var date: Date
    /// The zone of the offset written in the text (`Z` → UTC), or `nil` when none was written.
    var offset: TimeZone?
    /// Whether the text was a date without a time (`2024-05-17`).
    var dateOnly: Bool
}

/// Parsing and formatting of dates for the `datetime` connector.
enum DateSupport {
    /// Earliest supported instant (0001-01-01T00:00:00Z).
    static let earliest = Date(timeIntervalSince1970: -62_135_596_800)
    /// Latest supported instant (9999-12-31T23:59:59Z).
    static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    private static let posix = Locale(identifier: "en_US_POSIX")
    private static let localPatterns = ["yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm",
                                        "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"]

    /// The time zone named by argument `argument` (`nil` when absent); unknown names throw naming the argument.
    static func zone(_ identifier: String?, argument: String) throws -> TimeZone? {
        guard let identifier, !identifier.isEmpty else { return nil }
        guard let zone = TimeZone(identifier: identifier) else {
            throw utilityError("Unknown time zone '\(identifier)' in '\(argument)' (use an IANA name such as Europe/Prague)")
        }
        return zone
    }

    /// Parses ISO 8601 text (zoned, local or date-only; local times are read in `zone`).
    static func parse(_ text: String, argument: String, zone: TimeZone) throws -> ParsedDate {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parsed = zoned(trimmed) ?? local(trimmed, zone: zone)
        guard let parsed else {
            throw utilityError("Argument '\(argument)' is not an ISO 8601 date or date-time: '\(text.prefix(100))'")
        }
        try checkRange(parsed.date, argument: argument)
        return parsed
    }

    /// Parses text with a Unicode `pattern` (strict), reading it in `zone` and `locale`.
    static func parse(_ text: String, pattern: String, zone: TimeZone, locale: Locale?) throws -> Date {
        let formatter = formatter(pattern, zone: zone, locale: locale)
        formatter.isLenient = false
        guard let date = formatter.date(from: text) else {
            throw utilityError("Argument 'text' does not match the format '\(pattern)'")
        }
        try checkRange(date, argument: "text")
        return date
    }

    /// Parses RFC 2822 text (`Fri, 17 May 2024 10:30:00 +0200`).
    static func rfc2822(_ text: String) -> Date? {
        for pattern in ["EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z"] {
            if let date = formatter(pattern, zone: TimeZone(identifier: "UTC") ?? .current, locale: nil).date(from: text) { return date }
        }
        return nil
    }

    /// ISO 8601 of `date` in `zone` (`Z` for UTC, else `+hh:mm`), with milliseconds only when non-zero.
    static func iso(_ date: Date, zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        let hasFraction = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) != 0
        formatter.formatOptions = hasFraction ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// `yyyy-MM-dd` of `date` in `zone`.
    static func day(_ date: Date, zone: TimeZone) -> String { formatter("yyyy-MM-dd", zone: zone, locale: nil).string(from: date) }

    /// Formats `date` with a Unicode `pattern` in `zone` and `locale`.
    static func format(_ date: Date, pattern: String, zone: TimeZone, locale: Locale?) -> String {
        formatter(pattern, zone: zone, locale: locale).string(from: date)
    }

    /// A Gregorian calendar in `zone`.
    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// Throws unless `date` lies within years 1…9999.
    static func checkRange(_ date: Date, argument: String) throws {
        guard date >= earliest, date <= latest else { throw utilityError("The \(argument) is outside years 1…9999") }
    }

    private static func zoned(_ text: String) -> ParsedDate? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                return ParsedDate(date: date, offset: writtenOffset(text), dateOnly: false)
            }
        }
        return nil
    }

    private static func local(_ text: String, zone: TimeZone) -> ParsedDate? {
        for pattern in localPatterns {
            let f = formatter(pattern, zone: zone, locale: nil)
            f.isLenient = false
            if let date = f.date(from: text) { return ParsedDate(date: date, offset: nil, dateOnly: false) }
        }
        let f = formatter("yyyy-MM-dd", zone: zone, locale: nil)
        f.isLenient = false
        return f.date(from: text).map { ParsedDate(date: $0, offset: nil, dateOnly: true) }
    }

    /// The zone of a trailing `Z` or `±hh:mm` offset.
    private static func writtenOffset(_ text: String) -> TimeZone? {
        if text.hasSuffix("Z") || text.hasSuffix("z") { return TimeZone(identifier: "UTC") }
        let tail = text.suffix(6)
        guard tail.count == 6, let sign = tail.first, sign == "+" || sign == "-" else { return nil }
        let digits = tail.dropFirst().split(separator: ":")
        guard digits.count == 2, let hours = Int(digits[0]), let minutes = Int(digits[1]) else { return nil }
        let seconds = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        return TimeZone(secondsFromGMT: seconds)
    }

    private static func formatter(_ pattern: String, zone: TimeZone, locale: Locale?) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = locale ?? posix
        formatter.calendar = calendar(zone)
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter
    }
}
