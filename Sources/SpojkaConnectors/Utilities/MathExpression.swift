import Foundation

/// A safe arithmetic expression evaluator: numbers, `+ - * / % ^`, parentheses, unary minus,
/// `abs round floor ceil sqrt min max`, constants `pi` and `e`, and named variables. Nothing is executed.
struct MathExpression: Sendable {
    /// Why an expression could not be evaluated.
    struct Failure: Error, Sendable, CustomStringConvertible {
        /// The explanation.
        let description: String
    }

    private enum Token: Equatable, Sendable {
        case number(Double), name(String), op(Character), open, close, comma
    }

    /// Deepest nesting of parentheses and unary operators accepted.
    static let maxDepth = 100

    private let tokens: [Token]
    private let variables: [String: Double]
    private var position = 0
    private var depth = 0

    /// Evaluates `source` with `variables`.
    static func evaluate(_ source: String, variables: [String: Double] = [:]) throws(Failure) -> Double {
        var parser = MathExpression(tokens: try tokenize(source), variables: variables)
        let value = try parser.expression()
        guard parser.position == parser.tokens.count else { throw Failure(description: "unexpected \(parser.describeCurrent())") }
        guard value.isFinite else { throw Failure(description: "the result is not a finite number") }
        return value
    }

    private init(tokens: [Token], variables: [String: Double]) {
        self.tokens = tokens
        self.variables = variables
    }

    private static func tokenize(_ source: String) throws(Failure) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(source.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.properties.isWhitespace { i += 1; continue }
            if ("0"..."9").contains(c) || c == "." {
                let start = i
                while i < chars.count, ("0"..."9").contains(chars[i]) || chars[i] == "." { i += 1 }
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    var j = i + 1
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
                    if j < chars.count, ("0"..."9").contains(chars[j]) {
                        i = j
                        while i < chars.count, ("0"..."9").contains(chars[i]) { i += 1 }
                    }
                }
                let text = String(String.UnicodeScalarView(chars[start..<i]))
                guard let value = Double(text) else { throw Failure(description: "invalid number '\(text)'") }
                tokens.append(.number(value))
            } else if c.properties.isAlphabetic || c == "_" {
                let start = i
                while i < chars.count, chars[i].properties.isAlphabetic || chars[i] == "_" || ("0"..."9").contains(chars[i]) { i += 1 }
                tokens.append(.name(String(String.UnicodeScalarView(chars[start..<i]))))
            } else {
                switch c {
                case "+", "-", "*", "/", "%", "^": tokens.append(.op(Character(c)))
                case "(": tokens.append(.open)
                case ")": tokens.append(.close)
                case ",": tokens.append(.comma)
                default: throw Failure(description: "unexpected character '\(c)' at offset \(i)")
                }
                i += 1
            }
        }
        return tokens
    }

    private var current: Token? { position < tokens.count ? tokens[position] : nil }

    private func describeCurrent() -> String {
        guard let current else { return "end of expression" }
        switch current {
        case .number(let n): return "number \(n)"
        case .name(let n): return "name '\(n)'"
        case .op(let c): return "'\(c)'"
        case .open: return "'('"
        case .close: return "')'"
        case .comma: return "','"
        }
    }

    private mutating func expression() throws(Failure) -> Double {
        var value = try term()
        while case .op(let c)? = current, c == "+" || c == "-" {
            position += 1
            let rhs = try term()
            value = c == "+" ? value + rhs : value - rhs
        }
        return value
    }

    private mutating func term() throws(Failure) -> Double {
        var value = try unary()
        while case .op(let c)? = current, c == "*" || c == "/" || c == "%" {
            position += 1
            let rhs = try unary()
            if c == "*" { value *= rhs; continue }
            guard rhs != 0 else { throw Failure(description: c == "/" ? "division by zero" : "modulo by zero") }
            value = c == "/" ? value / rhs : value.truncatingRemainder(dividingBy: rhs)
        }
        return value
    }

    private mutating func unary() throws(Failure) -> Double {
        guard case .op(let c)? = current, c == "-" || c == "+" else { return try power() }
        position += 1
        try enter()
        defer { depth -= 1 }
        let value = try unary()
        return c == "-" ? -value : value
    }

    private mutating func power() throws(Failure) -> Double {
        let base = try primary()
        guard case .op("^")? = current else { return base }
        position += 1
        try enter()
        defer { depth -= 1 }
        let exponent = try unary()
        return Foundation.pow(base, exponent)
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Failure(description: "expression is nested too deeply") }
    }

    private mutating func primary() throws(Failure) -> Double {
        guard let token = current else { throw Failure(description: "unexpected end of expression") }
        position += 1
        switch token {
        case .number(let n): return n
        case .open:
            try enter()
            defer { depth -= 1 }
            let value = try expression()
            try expect(.close)
            return value
        case .name(let name):
            if current == .open { return try call(name) }
            if let value = variables[name] { return value }
            switch name {
            case "pi": return Double.pi
            case "e": return M_E
            default: throw Failure(description: "unknown name '\(name)'")
            }
        default:
            position -= 1
            throw Failure(description: "unexpected \(describeCurrent())")
        }
    }

    private mutating func expect(_ token: Token) throws(Failure) {
        guard current == token else { throw Failure(description: "expected \(token == .close ? "')'" : "','") but found \(describeCurrent())") }
        position += 1
    }

    private mutating func call(_ name: String) throws(Failure) -> Double {
        try expect(.open)
        try enter()
        defer { depth -= 1 }
        var arguments: [Double] = []
        if current != .close {
            arguments.append(try expression())
            while current == .comma { position += 1; arguments.append(try expression()) }
        }
        try expect(.close)
        return try MathFunctions.apply(name, arguments)
    }
}

/// The functions available to `MathExpression`.
enum MathFunctions {
    /// Applies function `name` to `arguments`.
    static func apply(_ name: String, _ arguments: [Double]) throws(MathExpression.Failure) -> Double {
        func arity(_ range: ClosedRange<Int>) throws(MathExpression.Failure) {
            guard range.contains(arguments.count) else {
                throw MathExpression.Failure(description: "\(name)() takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)…\(range.upperBound)") argument(s), got \(arguments.count)")
            }
        }
        switch name {
        case "abs": try arity(1...1); return Swift.abs(arguments[0])
        case "floor": try arity(1...1); return arguments[0].rounded(.down)
        case "ceil": try arity(1...1); return arguments[0].rounded(.up)
        case "sqrt":
            try arity(1...1)
            guard arguments[0] >= 0 else { throw MathExpression.Failure(description: "sqrt() of a negative number") }
            return arguments[0].squareRoot()
        case "round":
            try arity(1...2)
            let places = arguments.count > 1 ? arguments[1] : 0
            guard places.isFinite, (-15...15).contains(places) else {
                throw MathExpression.Failure(description: "round() decimals must be between -15 and 15")
            }
            return roundNumber(arguments[0], decimals: Int(places.rounded()))
        case "min": try arity(1...1000); return arguments.min() ?? 0
        case "max": try arity(1...1000); return arguments.max() ?? 0
        default: throw MathExpression.Failure(description: "unknown function '\(name)'")
        }
    }

    /// Rounding modes of `round`.
    enum Mode: String, Sendable {
        /// Half away from zero.
        case halfUp = "half_up"
        /// Half to even (bankers').
        case halfEven = "half_even"
        /// Toward negative infinity.
        case floor
        /// Toward positive infinity.
        case ceil
        /// Toward zero.
        case truncate
    }

    /// Rounds `value` to `decimals` places (negative: tens, hundreds…) in decimal, so `1.005` → `1.01`.
    static func roundNumber(_ value: Double, decimals: Int, mode: Mode = .halfUp) -> Double {
        guard value.isFinite, var decimal = Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX")),
              !decimal.isNaN else { return value }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &decimal, decimals, decimalMode(mode, negative: value < 0))
        return Double(rounded.description) ?? value
    }

    private static func decimalMode(_ mode: Mode, negative: Bool) -> NSDecimalNumber.RoundingMode {
        switch mode {
        case .halfUp: return .plain
        case .halfEven: return .bankers
        case .floor: return .down
        case .ceil: return .up
        case .truncate: return negative ? .up : .down
        }
    }
}
