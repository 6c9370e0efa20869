import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `text` utility connector: split, join, replace, change_case, slugify, truncate.
enum TextTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "text.split": utilityTool(split),
            "text.join": utilityTool(join),
            "text.replace": utilityTool(replace),
            "text.change_case": utilityTool { args in
                let text = try args.string("text")
                return .object(["result": .string(try TextCase.convert(text, to: try args.string("case")))])
            },
            "text.slugify": utilityTool(slugify),
            "text.truncate": utilityTool(truncate),
        ]
    }

    /// Splits `text` by a literal separator.
    static func split(_ args: ToolArguments) throws -> JSONValue {
        let text = try args.string("text"), separator = try args.string("separator")
        let limit = max(1, try args.optionalInt("limit") ?? Int.max)
        var parts: [String] = separator.isEmpty ? text.map(String.init) : text.components(separatedBy: separator)
        if args.bool("trim", default: false) { parts = parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }
        if args.bool("removeEmpty", default: false) { parts = parts.filter { !$0.isEmpty } }
        if parts.count > limit {
            let joiner = separator
            parts = Array(parts.prefix(limit - 1)) + [parts.dropFirst(limit - 1).joined(separator: joiner)]
        }
        return .object(["result": .array(parts.map(JSONValue.string)), "count": .int(parts.count)])
    }

    /// Joins scalar items with a separator.
    static func join(_ args: ToolArguments) throws -> JSONValue {
        let items = try args.array("items").map { item -> String in
            switch item {
            case .string(let s): return s
            case .null: return ""
            default: return JSONText.serialize(item)
            }
        }
        return .object(["result": .string(items.joined(separator: args.string("separator", default: "")))])
    }

    /// Replaces every literal occurrence of `search`.
    static func replace(_ args: ToolArguments) throws -> JSONValue {
        let text = try args.string("text"), search = try args.string("search"), replacement = try args.string("replacement")
        let options: String.CompareOptions = args.bool("caseInsensitive", default: false) ? [.caseInsensitive] : []
        var result = "", count = 0, rest = text[...]
        while let range = rest.range(of: search, options: options) {
            result += rest[..<range.lowerBound]
            result += replacement
            count += 1
            rest = rest[range.upperBound...]
        }
        result += rest
        return .object(["result": .string(result), "count": .int(count)])
    }

    /// Makes an ASCII URL slug.
    static func slugify(_ args: ToolArguments) throws -> JSONValue {
        let separator = args.string("separator", default: "-")
        var slug = TextCase.words(try args.string("text")).map { $0.lowercased() }.joined(separator: separator)
        if let max = try args.optionalInt("maxLength"), slug.count > max {
            slug = String(slug.prefix(max))
            while !separator.isEmpty, slug.hasSuffix(separator) { slug.removeLast(separator.count) }
        }
        return .object(["result": .string(slug)])
    }

    /// Shortens text to `length` characters including the suffix.
    static func truncate(_ args: ToolArguments) throws -> JSONValue {
        let text = try args.string("text"), length = try args.int("length")
        guard length >= 0 else { throw utilityError("Argument 'length' must not be negative") }
        guard text.count > length else { return .object(["result": .string(text), "truncated": false]) }
        let suffix = String(args.string("suffix", default: "…").prefix(length))
        var kept = text.prefix(length - suffix.count)
        if args.bool("wordBoundary", default: false), !text[kept.endIndex].isWhitespace,
           let space = kept.lastIndex(where: \.isWhitespace) {
            kept = kept[..<space]
        }
        while kept.last?.isWhitespace == true { kept.removeLast() }
        return .object(["result": .string(String(kept) + suffix), "truncated": true])
    }
}

/// Word splitting and case conversion.
enum TextCase {
    /// Converts `text` to `target` case (`upper`, `lower`, `title`, `camel`, `snake`, `kebab`).
    static func convert(_ text: String, to target: String) throws -> String {
        switch target {
        case "upper": return text.uppercased()
        case "lower": return text.lowercased()
        case "title": return titleCase(text)
        case "camel":
            let words = splitWords(text).map { $0.lowercased() }
            return (words.first ?? "") + words.dropFirst().map(capitalized).joined()
        case "snake": return splitWords(text).map { $0.lowercased() }.joined(separator: "_")
        case "kebab": return splitWords(text).map { $0.lowercased() }.joined(separator: "-")
        default: throw utilityError("Argument 'case' must be one of upper, lower, title, camel, snake, kebab")
        }
    }

    /// Upper-cases the first letter of each whitespace-separated word and lower-cases the rest.
    static func titleCase(_ text: String) -> String {
        var result = "", atWordStart = true
        for character in text {
            result += atWordStart ? character.uppercased() : character.lowercased()
            atWordStart = character.isWhitespace || character == "-" || character == "_"
        }
        return result
    }

    /// Words of `text`, split at non-alphanumerics and lower→upper boundaries (`helloWorld`, `HTTPServer`).
    static func splitWords(_ text: String) -> [String] {
        var words: [String] = [], current: [Character] = []
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            guard character.isLetter || character.isNumber else {
                if !current.isEmpty { words.append(String(current)); current = [] }
                continue
            }
            if let last = current.last, isBoundary(last, character, next: index + 1 < characters.count ? characters[index + 1] : nil) {
                words.append(String(current)); current = []
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// ASCII words of `text` for slugs: accents folded, other characters as separators.
    static func words(_ text: String) -> [String] {
        let folded = text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        let ascii = String(folded.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : " " })
        return ascii.split(separator: " ").map(String.init)
    }

    private static func isBoundary(_ previous: Character, _ character: Character, next: Character?) -> Bool {
        if previous.isLowercase && character.isUppercase { return true }
        if previous.isNumber != character.isNumber { return false }
        return previous.isUppercase && character.isUppercase && (next?.isLowercase ?? false)
    }

    private static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }
}
