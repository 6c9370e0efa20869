import SpojkaCore

/// Bracketed and delimited constructs: index, slice, multi-selects and function calls.
extension JMESParser {
    /// Parses what follows a `[` in prefix position.
    mutating func bracketPrefix() throws(JMESPathError) -> JMESNode {
        if current.kind == .number || current.kind == .colon {
            return try projectIfSlice(.identity, try indexOrSlice())
        }
        if current.kind == .star && lookahead(1) == .rbracket {
            advance()
            advance()
            return .listProjection(.identity, try projectionRHS(Self.bindingPower(.star)))
        }
        return try multiSelectList()
    }

    /// Parses `n]` or `start:stop:step]` (the `[` is already consumed).
    mutating func indexOrSlice() throws(JMESPathError) -> JMESNode {
        if current.kind == .colon || lookahead(1) == .colon { return try slice() }
        let value = current.number
        try expect(.number, "an index")
        try expect(.rbracket, "']' after the index")
        return .index(value)
    }

    private mutating func slice() throws(JMESPathError) -> JMESNode {
        var parts: [Int?] = [nil, nil, nil]
        var part = 0
        var partHasNumber = false
        while current.kind != .rbracket {
            switch current.kind {
            case .colon where part < 2:
                part += 1
                partHasNumber = false
            case .number where !partHasNumber:
                parts[part] = current.number
                partHasNumber = true
            default:
                throw unexpected(expecting: "a number, ':' or ']' in the slice")
            }
            advance()
        }
        let stepOffset = current.offset
        advance()
        let step = parts[2] ?? 1
        guard step != 0 else {
            throw JMESPathError(kind: .invalidValue, message: "slice step cannot be 0", offset: stepOffset)
        }
        return .slice(start: parts[0], stop: parts[1], step: step)
    }

    /// Parses `a, b, …]` (the `[` is already consumed).
    mutating func multiSelectList() throws(JMESPathError) -> JMESNode {
        var elements: [JMESNode] = []
        while true {
            elements.append(try expression(0))
            if current.kind == .rbracket { break }
            try expect(.comma, "',' or ']' in the multi-select list")
        }
        advance()
        return .multiSelectList(elements)
    }

    /// Parses `key: expr, …}` (the `{` is already consumed).
    mutating func multiSelectHash() throws(JMESPathError) -> JMESNode {
        var entries: [JMESKeyedNode] = []
        while true {
            let key = current
            guard key.kind == .unquotedIdentifier || key.kind == .quotedIdentifier else {
                throw unexpected(expecting: "a key in the multi-select hash")
            }
            advance()
            try expect(.colon, "':' after the key")
            entries.append(JMESKeyedNode(key: key.text, node: try expression(0)))
            if current.kind == .rbrace { break }
            try expect(.comma, "',' or '}' in the multi-select hash")
        }
        advance()
        return .multiSelectHash(entries)
    }

    /// Parses the arguments of a call to the function named by `left` (the `(` is already consumed).
    mutating func functionCall(_ left: JMESNode, at offset: Int) throws(JMESPathError) -> JMESNode {
        guard case .field(let name) = left else {
            throw JMESPathError(kind: .syntax, message: "only an identifier can be called as a function", offset: offset)
        }
        var arguments: [JMESNode] = []
        if current.kind != .rparen {
            while true {
                arguments.append(try expression(0))
                if current.kind == .rparen { break }
                try expect(.comma, "',' or ')' in the argument list")
            }
        }
        advance()
        guard let function = JMESFunction(rawValue: name) else {
            throw JMESPathError(kind: .unknownFunction, message: "unknown function \(name)()", offset: offset)
        }
        try function.checkArity(arguments.count, offset: offset)
        return .function(function, arguments)
    }
}
