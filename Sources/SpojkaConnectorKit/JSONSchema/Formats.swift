import Foundation

/// Checkers for the `format` values we assert: `nil` for formats we do not know.
enum Formats {
    static func check(_ format: String, _ text: String) -> Bool? {
        switch format {
        case "date-time": return isDateTime(text)
        case "date": return isDate(Substring(text))
        case "time": return isTime(Substring(text))
        case "duration": return isDuration(text)
        case "uuid": return isUUID(text)
        case "regex": return (try? ECMARegex(text)) != nil
        case "json-pointer": return isJSONPointer(Substring(text))
        case "relative-json-pointer": return isRelativeJSONPointer(text)
        case "ipv4": return NetworkFormats.isIPv4(Substring(text))
        case "ipv6": return NetworkFormats.isIPv6(Substring(text))
        case "hostname": return IDNA.isHostname(text, international: false)
        case "idn-hostname": return IDNA.isHostname(text, international: true)
        case "email": return NetworkFormats.isEmail(text, international: false)
        case "idn-email": return NetworkFormats.isEmail(text, international: true)
        case "uri": return URIFormat.isValid(text, requireScheme: true, international: false)
        case "uri-reference": return URIFormat.isValid(text, requireScheme: false, international: false)
        case "iri": return URIFormat.isValid(text, requireScheme: true, international: true)
        case "iri-reference": return URIFormat.isValid(text, requireScheme: false, international: true)
        case "uri-template": return URITemplateFormat.isValid(text)
        default: return nil
        }
    }

    /// The value of exactly `count` ASCII digits at the start of `text`, and the rest.
    static func digits(_ text: Substring, _ count: Int) -> (Int, Substring)? {
        let head = text.prefix(count)
        guard head.count == count, head.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(head) else {
            return nil
        }
        return (value, text.dropFirst(count))
    }

    private static func expect(_ text: Substring, _ separators: String) -> Substring? {
        guard let first = text.first, separators.contains(first) else { return nil }
        return text.dropFirst()
    }

    static func isDateTime(_ text: String) -> Bool {
        guard let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
        return isDate(text[..<separator]) && isTime(text[text.index(after: separator)...])
    }

    static func isDate(_ text: Substring) -> Bool {
        guard let (year, rest1) = digits(text, 4), let afterDash1 = expect(rest1, "-"),
              let (month, rest2) = digits(afterDash1, 2), let afterDash2 = expect(rest2, "-"),
              let (day, rest3) = digits(afterDash2, 2), rest3.isEmpty else { return false }
        return (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isTime(_ text: Substring) -> Bool {
        guard let (hour, rest1) = digits(text, 2), let afterColon1 = expect(rest1, ":"),
              let (minute, rest2) = digits(afterColon1, 2), let afterColon2 = expect(rest2, ":"),
              let (second, rest3) = digits(afterColon2, 2) else { return false }
        var rest = rest3
        if rest.first == "." {
            let fraction = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            guard !fraction.isEmpty else { return false }
            rest = rest.dropFirst(1 + fraction.count)
        }
        guard hour < 24, minute < 60, second <= 60, let offset = parseOffset(rest) else { return false }
        guard second == 60 else { return true }
        let utc = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440
        return utc == 23 * 60 + 59
    }

    /// The offset in minutes east of UTC, or `nil` when malformed.
    private static func parseOffset(_ text: Substring) -> Int? {
        if text == "Z" || text == "z" { return 0 }
        guard let sign = text.first, sign == "+" || sign == "-",
              let (hours, rest1) = digits(text.dropFirst(), 2), let afterColon = expect(rest1, ":"),
              let (minutes, rest2) = digits(afterColon, 2), rest2.isEmpty, hours < 24, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    static func isDuration(_ text: String) -> Bool {
        guard text.hasPrefix("P") else { return false }
        var body = text.dropFirst()
        if body.hasSuffix("W") {
            let number = body.dropLast()
            return !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
        }
        var timePart: Substring = ""
        if let t = body.firstIndex(of: "T") {
            timePart = body[body.index(after: t)...]
            guard !timePart.isEmpty else { return false }
            body = body[..<t]
        }
        guard !(body.isEmpty && timePart.isEmpty) else { return false }
        return units(body, "YMD") && units(timePart, "HMS")
    }

    /// Whether `text` is `<digits><unit>` pairs whose units form a contiguous run of `order` (RFC 3339 appendix A).
    private static func units(_ text: Substring, _ order: String) -> Bool {
        var remaining = Substring(order)
        var rest = text
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(number.count)
            guard !number.isEmpty, let unit = rest.first, let position = remaining.firstIndex(of: unit) else {
                return false
            }
            guard remaining.count == order.count || position == remaining.startIndex else { return false }
            remaining = remaining[remaining.index(after: position)...]
            rest = rest.dropFirst()
        }
        return true
    }

    static func isUUID(_ text: String) -> Bool {
        let chars = Array(text)
        guard chars.count == 36 else { return false }
        for (index, char) in chars.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard char == "-" else { return false }
            } else if !char.isHexDigit || !char.isASCII {
                return false
            }
        }
        return true
    }

    static func isJSONPointer(_ text: Substring) -> Bool {
        guard !text.isEmpty else { return true }
        guard text.first == "/" else { return false }
        var previousTilde = false
        for char in text {
            if previousTilde && char != "0" && char != "1" { return false }
            previousTilde = char == "~"
        }
        return !previousTilde
    }

    static func isRelativeJSONPointer(_ text: String) -> Bool {
        let number = text.prefix { $0.isASCII && $0.isNumber }
        guard !number.isEmpty, number == "0" || !number.hasPrefix("0") else { return false }
        let rest = text.dropFirst(number.count)
        return rest == "#" || isJSONPointer(rest)
    }
}
