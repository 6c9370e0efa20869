import Foundation

/// An ECMA-262 regular expression run by `NSRegularExpression` after translating the
/// constructs whose meaning differs in ICU (`\d`, `\w`, `\s`, `$`, nested `[`).
struct ECMARegex: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe.
    /// The pattern as written in the schema.
    let source: String
    private let regex: NSRegularExpression

    /// Compiles `pattern`; throws when it is not a valid ECMA-262 pattern.
    init(_ pattern: String) throws {
        source = pattern
        regex = try NSRegularExpression(pattern: try ECMARegexTranslator.translate(pattern))
    }

    /// Whether the pattern matches anywhere in `text` (ECMA `RegExp.prototype.test`).
    func matches(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: text.utf16.count)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }
}

/// A pattern that is not valid ECMA-262.
struct ECMARegexError: Error, Sendable {
    let message: String
}

/// Rewrites ECMA-262 syntax into equivalent ICU syntax.
enum ECMARegexTranslator {
    static let whitespace = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"
    static let word = "a-zA-Z0-9_"
    static let digit = "0-9"

    /// The ICU equivalent of `pattern`.
    static func translate(_ pattern: String) throws -> String {
        let chars = Array(pattern)
        var out = ""
        var inClass = false
        var index = 0
        while index < chars.count {
            let char = chars[index]
            index += 1
            switch char {
            case "\\":
                guard index < chars.count else { throw ECMARegexError(message: "trailing backslash") }
                out += try escape(chars[index], inClass: inClass)
                index += 1
            case "[" where inClass:
                out += "\\["
            case "&" where inClass:
                out += "\\&"
            case "[":
                out += openClass(chars, &index, &inClass)
            case "]" where inClass:
                inClass = false
                out.append(char)
            case "(" where index < chars.count && chars[index] == "?":
                try checkGroup(chars, index + 1)
                out.append(char)
            case "$" where !inClass:
                out += "(?!(?s:.))"
            default:
                out.append(char)
            }
        }
        return out
    }

    /// Translates the start of a character class; `[]` never matches and `[^]` matches anything.
    private static func openClass(_ chars: [Character], _ index: inout Int, _ inClass: inout Bool) -> String {
        if index < chars.count, chars[index] == "]" {
            index += 1
            return "(?!)"
        }
        if index + 1 < chars.count, chars[index] == "^", chars[index + 1] == "]" {
            index += 2
            return "(?s:.)"
        }
        inClass = true
        return "["
    }

    /// Rejects group syntax ECMA-262 lacks (inline flags, comments); `start` follows `(?`.
    private static func checkGroup(_ chars: [Character], _ start: Int) throws {
        guard start < chars.count else { throw ECMARegexError(message: "incomplete group") }
        switch chars[start] {
        case ":", "=", "!": return
        case "<" where start + 1 < chars.count:
            return
        default:
            throw ECMARegexError(message: "unsupported group syntax '(?\(chars[start])'")
        }
    }

    private static func escape(_ char: Character, inClass: Bool) throws -> String {
        switch char {
        case "d": return inClass ? digit : "[\(digit)]"
        case "D": return inClass ? "\\D" : "[^\(digit)]"
        case "w": return inClass ? word : "[\(word)]"
        case "W": return inClass ? "\\W" : "[^\(word)]"
        case "s": return inClass ? whitespace : "[\(whitespace)]"
        case "S": return inClass ? "\\S" : "[^\(whitespace)]"
        case "a", "A", "z", "Z", "e", "Q", "E", "G", "h", "H", "R", "X", "N":
            throw ECMARegexError(message: "'\\\(char)' is not an ECMA-262 escape")
        default: return "\\" + String(char)
        }
    }
}
