import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `regex` utility connector: test, match, extract, replace (NSRegularExpression, bounded input).
enum RegexTools {
    /// Longest accepted pattern, in characters.
    static let maxPatternLength = 1000
    /// Longest accepted input, in UTF-8 bytes (1 MiB).
    static let maxInputBytes = 1 << 20
    /// Longest time one call may spend matching, in seconds (stops catastrophic backtracking).
    static let timeLimit: TimeInterval = 2

    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "regex.test": utilityTool { args in
                let (regex, text) = try prepare(args)
                return .object(["matched": .bool(!(try Self.matches(regex, in: text, limit: 1)).isEmpty)])
            },
            "regex.match": utilityTool { args in
                let (regex, text) = try prepare(args)
                let match = try Self.matches(regex, in: text, limit: 1).first
                let names = groupNames(try args.string("pattern"))
                return .object(["matched": .bool(match != nil), "match": match.map { describe($0, in: text, names: names) } ?? .null])
            },
            "regex.extract": utilityTool(extract),
            "regex.replace": utilityTool(replace),
        ]
    }

    /// Every match (up to `limit`) with its groups.
    static func extract(_ args: ToolArguments) throws -> JSONValue {
        let (regex, text) = try prepare(args)
        let limit = try args.int("limit", default: 10_000)
        let names = groupNames(try args.string("pattern"))
        let matches = try Self.matches(regex, in: text, limit: limit).map { describe($0, in: text, names: names) }
        let values = matches.map { $0["match"] ?? "" }
        return .object(["matches": .array(matches), "values": .array(values), "count": .int(matches.count)])
    }

    /// Replaces matches using a `$n` template.
    static func replace(_ args: ToolArguments) throws -> JSONValue {
        let (regex, text) = try prepare(args)
        let template = try args.string("replacement")
        let limit = try args.optionalInt("limit") ?? Int.max
        let matches = try Self.matches(regex, in: text, limit: limit)
        let source = text as NSString
        var output = ""
        var cursor = 0
        for match in matches {
            output += (source.substring(with: NSRange(location: cursor, length: match.range.location - cursor)))
            output += (regex.replacementString(for: match, in: text, offset: 0, template: template))
            cursor = match.range.location + match.range.length
        }
        output += (source.substring(from: cursor))
        return .object(["result": .string(output), "count": .int(matches.count)])
    }

    /// Up to `limit` matches of `regex` in `text`; throws when matching exceeds `timeLimit`.
    static func matches(_ regex: NSRegularExpression, in text: String, limit: Int) throws -> [NSTextCheckingResult] {
        var found: [NSTextCheckingResult] = [], timedOut = false
        let deadline = Date().addingTimeInterval(timeLimit)
        regex.enumerateMatches(in: text, options: [.reportProgress], range: fullRange(text)) { result, _, stop in
            if let result {
                found.append(result)
                if found.count >= limit { stop.pointee = true; return }
            }
            if Date() > deadline { timedOut = true; stop.pointee = true }
        }
        if timedOut {
            throw utilityError("Argument 'pattern' took longer than \(Int(timeLimit)) s to match (catastrophic backtracking?); simplify it")
        }
        return found
    }

    /// Compiles the `pattern` with `flags` and returns it with the checked `text`.
    static func prepare(_ args: ToolArguments) throws -> (NSRegularExpression, String) {
        let pattern = try args.string("pattern"), text = try args.string("text")
        guard pattern.count <= maxPatternLength else { throw utilityError("Argument 'pattern' is longer than \(maxPatternLength) characters") }
        guard text.utf8.count <= maxInputBytes else { throw utilityError("Argument 'text' is larger than 1 MiB") }
        let options = try options(from: args.string("flags", default: ""))
        do {
            return (try NSRegularExpression(pattern: pattern, options: options), text)
        } catch {
            throw utilityError("Argument 'pattern' is not a valid regular expression")
        }
    }

    /// Maps `i`, `m`, `s`, `x` to regular-expression options.
    static func options(from flags: String) throws -> NSRegularExpression.Options {
        var options: NSRegularExpression.Options = []
        for flag in flags {
            switch flag {
            case "i": options.insert(.caseInsensitive)
            case "m": options.insert(.anchorsMatchLines)
            case "s": options.insert(.dotMatchesLineSeparators)
            case "x": options.insert(.allowCommentsAndWhitespace)
            default: throw utilityError("Argument 'flags' has unknown flag '\(flag)' (use i, m, s, x)")
            }
        }
        return options
    }

    /// Names of the named groups `(?<name>…)` in `pattern`, in order.
    static func groupNames(_ pattern: String) -> [String] {
        let finder = try? NSRegularExpression(pattern: #"(?<!\\)\(\?<([A-Za-z][A-Za-z0-9]*)>"#)
        let matches = finder?.matches(in: pattern, range: fullRange(pattern)) ?? []
        return matches.compactMap { m in Range(m.range(at: 1), in: pattern).map { String(pattern[$0]) } }
    }

    /// A match as `{match, index, groups, namedGroups}`.
    static func describe(_ result: NSTextCheckingResult, in text: String, names: [String]) -> JSONValue {
        let groupCount = max(0, result.numberOfRanges - 1)
        let groups = (0..<groupCount).map { substring(text, result.range(at: $0 + 1)) }
        var named: [String: JSONValue] = [:]
        for name in names { named[name] = substring(text, result.range(withName: name)) }
        return .object([
            "match": substring(text, result.range) == .null ? "" : substring(text, result.range),
            "index": .int(result.range.location),
            "groups": .array(groups),
            "namedGroups": .object(named),
        ])
    }

    private static func substring(_ text: String, _ range: NSRange) -> JSONValue {
        guard range.location != NSNotFound else { return .null }
        return .string((text as NSString).substring(with: range))
    }

    private static func fullRange(_ text: String) -> NSRange { NSRange(location: 0, length: (text as NSString).length) }
}
