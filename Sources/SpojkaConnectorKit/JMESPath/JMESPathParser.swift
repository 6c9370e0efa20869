import SpojkaCore

/// A Pratt (top-down operator precedence) parser producing a `JMESNode` tree.
struct JMESParser {
    private static let maximumDepth = 512
    /// Tokens binding at least this tightly continue a projection.
    private static let projectionStop = 10

    private let tokens: [JMESToken]
    private var index = 0
    private var depth = 0

    private init(tokens: [JMESToken]) {
        self.tokens = tokens
    }

    /// Parses a complete expression.
    static func parse(_ source: String) throws(JMESPathError) -> JMESNode {
        var parser = JMESParser(tokens: try JMESLexer.tokenize(source))
        let node = try parser.expression(0)
        guard parser.current.kind == .eof else { throw parser.unexpected() }
        return node
    }

    static func bindingPower(_ kind: JMESToken.Kind) -> Int {
        switch kind {
        case .pipe: return 1
        case .or: return 2
        case .and: return 3
        case .eq, .ne, .lt, .lte, .gt, .gte: return 5
        case .flatten: return 9
        case .star: return 20
        case .filter: return 21
        case .dot: return 40
        case .not: return 45
        case .lbrace: return 50
        case .lbracket: return 55
        case .lparen: return 60
        default: return 0
        }
    }

    // MARK: - Token access

    var current: JMESToken { tokens[index] }

    func lookahead(_ distance: Int) -> JMESToken.Kind {
        tokens[Swift.min(index + distance, tokens.count - 1)].kind
    }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    mutating func expect(_ kind: JMESToken.Kind, _ what: String) throws(JMESPathError) {
        guard current.kind == kind else { throw unexpected(expecting: what) }
        advance()
    }

    func unexpected(_ token: JMESToken? = nil, expecting what: String? = nil) -> JMESPathError {
        let token = token ?? current
        let found = token.kind == .eof ? "end of expression" : "token '\(token.kind)'"
        let message = what.map { "expected \($0) but found \(found)" } ?? "unexpected \(found)"
        return JMESPathError(kind: .syntax, message: message, offset: token.offset)
    }

    // MARK: - Core loop

    /// Parses an expression whose operators bind more tightly than `rightBindingPower`.
    ///
    /// Each nested call and each infix step counts towards `maximumDepth`, which bounds the height
    /// of the tree and therefore the recursion depth of evaluation.
    mutating func expression(_ rightBindingPower: Int) throws(JMESPathError) -> JMESNode {
        let entryDepth = depth
        defer { depth = entryDepth }
        try deepen()
        var left = try nud()
        while rightBindingPower < Self.bindingPower(current.kind) {
            try deepen()
            left = try led(left)
        }
        return left
    }

    private mutating func deepen() throws(JMESPathError) {
        guard depth < Self.maximumDepth else {
            throw JMESPathError(kind: .syntax, message: "expression nests too deeply", offset: current.offset)
        }
        depth += 1
    }

    /// Parses a token in prefix position.
    private mutating func nud() throws(JMESPathError) -> JMESNode {
        let token = current
        switch token.kind {
        case .literal: advance(); return .literal(token.value)
        case .unquotedIdentifier: advance(); return .field(token.text)
        case .quotedIdentifier:
            advance()
            if current.kind == .lparen {
                throw JMESPathError(kind: .syntax, message: "quoted identifier cannot name a function", offset: token.offset)
            }
            return .field(token.text)
        case .current: advance(); return .identity
        case .star: advance(); return .valueProjection(.identity, try projectionRHS(Self.bindingPower(.star)))
        case .filter: advance(); return try filter(.identity)
        case .flatten: advance(); return try flatten(.identity)
        case .lbrace: advance(); return try multiSelectHash()
        case .lbracket: advance(); return try bracketPrefix()
        case .not: advance(); return .not(try expression(Self.bindingPower(.not)))
        case .expref: advance(); return .expref(try expression(0))
        case .lparen:
            advance()
            let inner = try expression(0)
            try expect(.rparen, "')'")
            return inner
        default: throw unexpected()
        }
    }

    /// Parses a token in infix position, with `left` already parsed.
    private mutating func led(_ left: JMESNode) throws(JMESPathError) -> JMESNode {
        let token = current
        advance()
        switch token.kind {
        case .dot:
            if current.kind == .star {
                advance()
                return .valueProjection(left, try projectionRHS(Self.bindingPower(.dot)))
            }
            return .subexpression(left, try dotRHS(Self.bindingPower(.dot)))
        case .pipe: return .pipe(left, try expression(Self.bindingPower(.pipe)))
        case .or: return .or(left, try expression(Self.bindingPower(.or)))
        case .and: return .and(left, try expression(Self.bindingPower(.and)))
        case .eq, .ne, .lt, .lte, .gt, .gte:
            return .comparison(Self.comparator(token.kind), left, try expression(Self.bindingPower(.eq)))
        case .filter: return try filter(left)
        case .flatten: return try flatten(left)
        case .lparen: return try functionCall(left, at: token.offset)
        case .lbracket:
            if current.kind == .number || current.kind == .colon {
                return try projectIfSlice(left, try indexOrSlice())
            }
            try expect(.star, "'*', a number or ':'")
            try expect(.rbracket, "']'")
            return .listProjection(left, try projectionRHS(Self.bindingPower(.star)))
        default:
            throw unexpected(token)
        }
    }

    private static func comparator(_ kind: JMESToken.Kind) -> JMESComparator {
        switch kind {
        case .eq: return .equal
        case .ne: return .notEqual
        case .lt: return .less
        case .lte: return .lessOrEqual
        case .gt: return .greater
        default: return .greaterOrEqual
        }
    }

    // MARK: - Projections

    /// Parses what follows a projection; tokens binding looser than `projectionStop` end it.
    mutating func projectionRHS(_ bindingPower: Int) throws(JMESPathError) -> JMESNode {
        if Self.bindingPower(current.kind) < Self.projectionStop { return .identity }
        switch current.kind {
        case .lbracket, .filter: return try expression(bindingPower)
        case .dot:
            advance()
            return try dotRHS(bindingPower)
        default: throw unexpected(expecting: "'.', '[' or '[?'")
        }
    }

    /// Parses what may follow a `.`: an identifier, `*`, a multi-select list or a multi-select hash.
    private mutating func dotRHS(_ bindingPower: Int) throws(JMESPathError) -> JMESNode {
        switch current.kind {
        case .unquotedIdentifier, .quotedIdentifier, .star: return try expression(bindingPower)
        case .lbracket:
            advance()
            return try multiSelectList()
        case .lbrace:
            advance()
            return try multiSelectHash()
        default: throw unexpected(expecting: "an identifier, '*', '[' or '{' after '.'")
        }
    }

    private mutating func filter(_ left: JMESNode) throws(JMESPathError) -> JMESNode {
        let condition = try expression(0)
        try expect(.rbracket, "']' to close the filter")
        let right = current.kind == .flatten ? JMESNode.identity : try projectionRHS(Self.bindingPower(.filter))
        return .filterProjection(left, right, condition: condition)
    }

    private mutating func flatten(_ left: JMESNode) throws(JMESPathError) -> JMESNode {
        .listProjection(.flatten(left), try projectionRHS(Self.bindingPower(.flatten)))
    }

    mutating func projectIfSlice(_ left: JMESNode, _ right: JMESNode) throws(JMESPathError) -> JMESNode {
        let indexed = Self.chain(left, right)
        guard case .slice = right else { return indexed }
        return .listProjection(indexed, try projectionRHS(Self.bindingPower(.star)))
    }

    private static func chain(_ left: JMESNode, _ right: JMESNode) -> JMESNode {
        if case .identity = left { return right }
        return .subexpression(left, right)
    }
}
