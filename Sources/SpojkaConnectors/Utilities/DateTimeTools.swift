import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `datetime` utility connector: now, format, parse, convert_timezone, add, difference.
enum DateTimeTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "datetime.now": utilityTool(now),
            "datetime.format": utilityTool(format),
            "datetime.parse": utilityTool(parse),
            "datetime.convert_timezone": utilityTool(convert),
            "datetime.add": utilityTool(add),
            "datetime.difference": utilityTool(difference),
        ]
    }

    private static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// The current time in a time zone.
    static func now(_ args: ToolArguments) throws -> JSONValue {
        let zone = try DateSupport.zone(args.optionalString("timezone"), argument: "timezone") ?? utc
        let date = Date()
        let seconds = date.timeIntervalSince1970
        return .object([
            "iso": .string(DateSupport.iso(date, zone: zone)), "unix": .int(Int(seconds.rounded(.down))),
            "unixMs": .int(Int((seconds * 1000).rounded(.down))), "timezone": .string(zone.identifier),
        ])
    }

    /// Formats a date with a Unicode pattern.
    static func format(_ args: ToolArguments) throws -> JSONValue {
        let zone = try DateSupport.zone(args.optionalString("timezone"), argument: "timezone") ?? utc
        let parsed = try DateSupport.parse(try args.string("date"), argument: "date", zone: zone)
        let locale = args.optionalString("locale").map(Locale.init(identifier:))
        let text = DateSupport.format(parsed.date, pattern: try args.string("pattern"), zone: zone, locale: locale)
        return .object(["result": .string(text)])
    }

    /// Parses date text (pattern, RFC 2822 or ISO 8601) into ISO 8601 UTC.
    static func parse(_ args: ToolArguments) throws -> JSONValue {
        let zone = try DateSupport.zone(args.optionalString("timezone"), argument: "timezone") ?? utc
        let text = try args.string("text")
        let date: Date
        if let pattern = args.optionalString("format"), !pattern.isEmpty {
            let locale = args.optionalString("locale").map(Locale.init(identifier:))
            date = try DateSupport.parse(text, pattern: pattern, zone: zone, locale: locale)
        } else if let rfc = DateSupport.rfc2822(text) {
            try DateSupport.checkRange(rfc, argument: "text")
            date = rfc
        } else {
            date = try DateSupport.parse(text, argument: "text", zone: zone).date
        }
        return .object(["iso": .string(DateSupport.iso(date, zone: utc)), "unix": try jsonNumber(date.timeIntervalSince1970)])
    }

    /// Expresses an instant in another time zone.
    static func convert(_ args: ToolArguments) throws -> JSONValue {
        guard let zone = try DateSupport.zone(try args.string("timezone"), argument: "timezone") else {
            throw utilityError("Argument 'timezone' must name a time zone")
        }
        let parsed = try DateSupport.parse(try args.string("date"), argument: "date", zone: utc)
        return .object([
            "result": .string(DateSupport.iso(parsed.date, zone: zone)), "timezone": .string(zone.identifier),
            "offsetSeconds": .int(zone.secondsFromGMT(for: parsed.date)),
        ])
    }

    /// Adds an amount of a calendar unit.
    static func add(_ args: ToolArguments) throws -> JSONValue {
        let requested = try DateSupport.zone(args.optionalString("timezone"), argument: "timezone")
        let parsed = try DateSupport.parse(try args.string("date"), argument: "date", zone: requested ?? utc)
        let zone = requested ?? parsed.offset ?? utc
        let (component, multiplier) = try component(for: try args.string("unit"))
        let amount = try args.int("amount")
        guard amount.magnitude <= 1_000_000_000,
              let result = DateSupport.calendar(zone).date(byAdding: component, value: amount * multiplier, to: parsed.date) else {
            throw utilityError("Argument 'amount' is out of range")
        }
        try DateSupport.checkRange(result, argument: "result")
        let text = parsed.dateOnly && [.day, .month, .year].contains(component)
            ? DateSupport.day(result, zone: zone) : DateSupport.iso(result, zone: zone)
        return .object(["result": .string(text)])
    }

    /// Whole units and exact seconds between two dates.
    static func difference(_ args: ToolArguments) throws -> JSONValue {
        let zone = try DateSupport.zone(args.optionalString("timezone"), argument: "timezone") ?? utc
        let from = try DateSupport.parse(try args.string("from"), argument: "from", zone: zone).date
        let to = try DateSupport.parse(try args.string("to"), argument: "to", zone: zone).date
        let unit = try args.string("unit")
        let seconds = to.timeIntervalSince(from)
        let whole: Int
        switch unit {
        case "seconds": whole = Int(seconds.rounded(.towardZero))
        case "minutes": whole = Int((seconds / 60).rounded(.towardZero))
        case "hours": whole = Int((seconds / 3600).rounded(.towardZero))
        default:
            let (component, multiplier) = try component(for: unit)
            let value = DateSupport.calendar(zone).dateComponents([component], from: from, to: to).value(for: component) ?? 0
            whole = value / multiplier
        }
        return .object(["result": .int(whole), "unit": .string(unit), "seconds": try jsonNumber(seconds)])
    }

    /// The calendar component and multiplier of a unit name.
    static func component(for unit: String) throws -> (Calendar.Component, Int) {
        switch unit {
        case "seconds": return (.second, 1)
        case "minutes": return (.minute, 1)
        case "hours": return (.hour, 1)
        case "days": return (.day, 1)
        case "weeks": return (.day, 7)
        case "months": return (.month, 1)
        case "years": return (.year, 1)
        default: throw utilityError("Argument 'unit' must be one of seconds, minutes, hours, days, weeks, months, years")
        }
    }
}
