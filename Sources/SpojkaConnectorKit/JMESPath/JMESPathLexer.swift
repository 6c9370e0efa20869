import SpojkaCore

/// A lexical token of a JMESPath expression.
struct JMESToken: Sendable {
    enum Kind: Sendable, Equatable {
        case unquotedIdentifier, quotedIdentifier, number, literal
        case dot, star, flatten, filter, lbracket, rbracket, lbrace, rbrace, lparen, rparen
        case comma, colon, pipe, or, and, not, expref, current
        case eq, ne, lt, lte, gt, gte, eof
    }

    var kind: Kind
    var offset: Int
    /// Identifier name (identifiers only).
    var text: String = ""
    /// Integer value (numbers only).
    var number: Int = 0
    /// Literal value (JSON and raw string literals only).
    var value: JSONValue = .null
}

/// Splits a JMESPath expression into tokens.
struct JMESLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    private init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    /// Tokenizes `source`; the result always ends with an `.eof` token.
    static func tokenize(_ source: String) throws(JMESPathError) -> [JMESToken] {
        var lexer = JMESLexer(source)
        var tokens: [JMESToken] = []
        while true {
            let token = try lexer.nextToken()
            tokens.append(token)
            if token.kind == .eof { return tokens }
        }
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func peek(_ distance: Int = 1) -> Unicode.Scalar? {
        let index = position + distance
        return index < scalars.count ? scalars[index] : nil
    }

    private func error(_ message: String, at offset: Int? = nil) -> JMESPathError {
        JMESPathError(kind: .syntax, message: message, offset: offset ?? position)
    }

    private mutating func nextToken() throws(JMESPathError) -> JMESToken {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
        guard let c = current else { return JMESToken(kind: .eof, offset: position) }
        if let kind = Self.singleCharacterTokens[c] { return symbol(kind, length: 1) }
        switch c {
        case "a"..."z", "A"..."Z", "_": return identifier()
        case "0"..."9", "-": return try number()
        case "\"": return try quotedIdentifier()
        case "'": return try rawString()
        case "`": return try jsonLiteral()
        case "[": return bracket()
        default: return try operatorToken(c)
        }
    }

    private static let singleCharacterTokens: [Unicode.Scalar: JMESToken.Kind] = [
        ".": .dot, "*": .star, "]": .rbracket, "{": .lbrace, "}": .rbrace, "(": .lparen,
        ")": .rparen, ",": .comma, ":": .colon, "@": .current,
    ]

    private mutating func symbol(_ kind: JMESToken.Kind, length: Int) -> JMESToken {
        let token = JMESToken(kind: kind, offset: position)
        position += length
        return token
    }

    /// Tokens that are one character, or two when followed by a specific second character.
    private mutating func operatorToken(_ c: Unicode.Scalar) throws(JMESPathError) -> JMESToken {
        let next = peek()
        switch c {
        case "|": return next == "|" ? symbol(.or, length: 2) : symbol(.pipe, length: 1)
        case "&": return next == "&" ? symbol(.and, length: 2) : symbol(.expref, length: 1)
        case "!": return next == "=" ? symbol(.ne, length: 2) : symbol(.not, length: 1)
        case "<": return next == "=" ? symbol(.lte, length: 2) : symbol(.lt, length: 1)
        case ">": return next == "=" ? symbol(.gte, length: 2) : symbol(.gt, length: 1)
        case "=":
            if next == "=" { return symbol(.eq, length: 2) }
            throw error("unexpected '=', did you mean '=='?")
        default:
            throw error("unexpected character '\(c.escaped(asASCII: false))'")
        }
    }

    private mutating func bracket() -> JMESToken {
        switch peek() {
        case "]": return symbol(.flatten, length: 2)
        case "?": return symbol(.filter, length: 2)
        default: return symbol(.lbracket, length: 1)
        }
    }

    private mutating func identifier() -> JMESToken {
        let start = position
        while let c = current, c.isIdentifierCharacter { position += 1 }
        var token = JMESToken(kind: .unquotedIdentifier, offset: start)
        token.text = String(String.UnicodeScalarView(scalars[start..<position]))
        return token
    }

    private mutating func number() throws(JMESPathError) -> JMESToken {
        let start = position
        if current == "-" { position += 1 }
        while let c = current, ("0"..."9").contains(c) { position += 1 }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard let value = Int(text) else {
            throw error(text == "-" ? "'-' must be followed by digits" : "number '\(text)' out of range", at: start)
        }
        var token = JMESToken(kind: .number, offset: start)
        token.number = value
        return token
    }

    /// Consumes characters up to the unescaped `delimiter`, keeping backslash escapes verbatim.
    private mutating func consume(until delimiter: Unicode.Scalar, _ what: String) throws(JMESPathError) -> [Unicode.Scalar] {
        let start = position
        position += 1
        var buffer: [Unicode.Scalar] = []
        while let c = current, c != delimiter {
            if c == "\\", let next = peek() {
                buffer.append(c)
                buffer.append(next)
                position += 2
            } else {
                buffer.append(c)
                position += 1
            }
        }
        guard current == delimiter else { throw error("unterminated \(what)", at: start) }
        position += 1
        return buffer
    }

    private mutating func quotedIdentifier() throws(JMESPathError) -> JMESToken {
        let start = position
        let body = try consume(until: "\"", "quoted identifier")
        let json = "\"" + String(String.UnicodeScalarView(body)) + "\""
        guard case .string(let name)? = JMESJSONParser.parse(json) else {
            throw error("invalid quoted identifier \(json)", at: start)
        }
        var token = JMESToken(kind: .quotedIdentifier, offset: start)
        token.text = name
        return token
    }

    private mutating func rawString() throws(JMESPathError) -> JMESToken {
        let start = position
        let body = try consume(until: "'", "raw string literal")
        var token = JMESToken(kind: .literal, offset: start)
        token.value = .string(Self.unescape(body, delimiter: "'"))
        return token
    }

    private mutating func jsonLiteral() throws(JMESPathError) -> JMESToken {
        let start = position
        let text = Self.unescape(try consume(until: "`", "JSON literal"), delimiter: "`")
        let trimmed = text.trimmingJSONWhitespace()
        // Legacy behaviour: an invalid JSON literal is retried as the body of a JSON string.
        guard let value = JMESJSONParser.parse(trimmed) ?? JMESJSONParser.parse("\"\(trimmed)\"") else {
            throw error("invalid JSON literal `\(text)`", at: start)
        }
        var token = JMESToken(kind: .literal, offset: start)
        token.value = value
        return token
    }

    /// Replaces `\<delimiter>` with `<delimiter>`; other backslash pairs stay as they are.
    private static func unescape(_ body: [Unicode.Scalar], delimiter: Unicode.Scalar) -> String {
        var result = String.UnicodeScalarView()
        var index = 0
        while index < body.count {
            if body[index] == "\\", index + 1 < body.count, body[index + 1] == delimiter {
                result.append(delimiter)
                index += 2
            } else {
                result.append(body[index])
                index += 1
            }
        }
        return String(result)
    }
}

extension Unicode.Scalar {
    /// Whether the scalar is `[A-Za-z0-9_]`.
    fileprivate var isIdentifierCharacter: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self) || self == "_"
    }
}

extension String {
    /// The string without leading and trailing JSON whitespace.
    fileprivate func trimmingJSONWhitespace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let view = unicodeScalars
        guard let first = view.firstIndex(where: { !isSpace($0) }),
              let last = view.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(view[first...last])
    }
}
