import SpojkaCore

/// A small strict JSON parser for literals and quoted identifiers.
///
/// Integers without fraction or exponent that fit in `Int` become `.int`; other numbers `.double`.
struct JMESJSONParser {
    private static let maximumDepth = 512
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    private init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Parses `text` as one complete JSON document, or returns `nil` if it is not valid JSON.
    static func parse(_ text: String) -> JSONValue? {
        var parser = JMESJSONParser(text)
        guard let value = parser.parseValue() else { return nil }
        parser.skipWhitespace()
        return parser.position == parser.scalars.count ? value : nil
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
    }

    private mutating func consume(_ c: Unicode.Scalar) -> Bool {
        guard current == c else { return false }
        position += 1
        return true
    }

    private mutating func parseValue() -> JSONValue? {
        skipWhitespace()
        guard let c = current else { return nil }
        switch c {
        case "{": return nested { $0.parseObject() }
        case "[": return nested { $0.parseArray() }
        case "\"": return parseString().map(JSONValue.string)
        case "t": return parseKeyword("true", .bool(true))
        case "f": return parseKeyword("false", .bool(false))
        case "n": return parseKeyword("null", .null)
        case "-", "0"..."9": return parseNumber()
        default: return nil
        }
    }

    private mutating func nested(_ body: (inout JMESJSONParser) -> JSONValue?) -> JSONValue? {
        guard depth < Self.maximumDepth else { return nil }
        depth += 1
        defer { depth -= 1 }
        return body(&self)
    }

    private mutating func parseKeyword(_ word: String, _ value: JSONValue) -> JSONValue? {
        for scalar in word.unicodeScalars {
            guard consume(scalar) else { return nil }
        }
        return value
    }

    private mutating func parseObject() -> JSONValue? {
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume("}") { return .object(members) }
        while true {
            skipWhitespace()
            guard current == "\"", let key = parseString() else { return nil }
            skipWhitespace()
            guard consume(":"), let value = parseValue() else { return nil }
            members[key] = value
            skipWhitespace()
            if consume("}") { return .object(members) }
            guard consume(",") else { return nil }
        }
    }

    private mutating func parseArray() -> JSONValue? {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume("]") { return .array(elements) }
        while true {
            guard let value = parseValue() else { return nil }
            elements.append(value)
            skipWhitespace()
            if consume("]") { return .array(elements) }
            guard consume(",") else { return nil }
        }
    }

    private mutating func parseString() -> String? {
        position += 1
        var result = String.UnicodeScalarView()
        while let c = current {
            position += 1
            switch c {
            case "\"": return String(result)
            case "\\":
                guard let scalar = parseEscape() else { return nil }
                result.append(scalar)
            default:
                guard c.value >= 0x20 else { return nil }
                result.append(c)
            }
        }
        return nil
    }

    private mutating func parseEscape() -> Unicode.Scalar? {
        guard let c = current else { return nil }
        position += 1
        switch c {
        case "\"", "\\", "/": return c
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "u": return parseUnicodeEscape()
        default: return nil
        }
    }

    /// Parses the `XXXX` of `\uXXXX`, combining UTF-16 surrogate pairs.
    private mutating func parseUnicodeEscape() -> Unicode.Scalar? {
        guard let high = parseHex4() else { return nil }
        if (0xD800...0xDBFF).contains(high) {
            guard consume("\\"), consume("u"), let low = parseHex4(), (0xDC00...0xDFFF).contains(low) else {
                return nil
            }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high)
    }

    private mutating func parseHex4() -> UInt32? {
        guard position + 4 <= scalars.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = scalars[position].hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func parseNumber() -> JSONValue? {
        let start = position
        _ = consume("-")
        let digitsStart = position
        let digitCount = countDigits()
        guard digitCount > 0, scalars[digitsStart] != "0" || digitCount == 1 else { return nil }
        var isInteger = true
        if consume(".") {
            isInteger = false
            guard countDigits() > 0 else { return nil }
        }
        if consume("e") || consume("E") {
            isInteger = false
            if !consume("+") { _ = consume("-") }
            guard countDigits() > 0 else { return nil }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        if isInteger, let int = Int(text) { return .int(int) }
        return Double(text).map(JSONValue.double)
    }

    private mutating func countDigits() -> Int {
        let start = position
        while let c = current, ("0"..."9").contains(c) { position += 1 }
        return position - start
    }
}

extension Unicode.Scalar {
    /// The value of a hexadecimal digit, or `nil`.
    fileprivate var hexDigitValue: Int? {
        switch self {
        case "0"..."9": return Int(value) - 48
        case "a"..."f": return Int(value) - 87
        case "A"..."F": return Int(value) - 55
        default: return nil
        }
    }
}
