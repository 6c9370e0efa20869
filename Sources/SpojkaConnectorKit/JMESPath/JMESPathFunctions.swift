import SpojkaCore

/// Function dispatch, argument type checks, and the functions that take expression references.
extension JMESFunction {
    /// Calls the function with `arguments` evaluated against `current`.
    func call(_ arguments: [JMESNode], on current: JSONValue) throws(JMESPathError) -> JSONValue {
        switch self {
        case .map:
            let expression = try expressionArgument(arguments, 0)
            let elements = try array(try valueArgument(arguments, 1, current), 1)
            var results: [JSONValue] = []
            results.reserveCapacity(elements.count)
            for element in elements { results.append(try expression.evaluate(element)) }
            return .array(results)
        case .sortBy, .maxBy, .minBy:
            let elements = try array(try valueArgument(arguments, 0, current), 0)
            let keyed = try sortKeys(elements, by: try expressionArgument(arguments, 1))
            return pick(from: keyed)
        default:
            var values: [JSONValue] = []
            values.reserveCapacity(arguments.count)
            for index in arguments.indices { values.append(try valueArgument(arguments, index, current)) }
            return try apply(values)
        }
    }

    // MARK: - Argument access

    private func valueArgument(_ arguments: [JMESNode], _ index: Int, _ current: JSONValue) throws(JMESPathError) -> JSONValue {
        if case .expref = arguments[index] {
            throw typeError(index, expected: "a value", got: "an expression reference")
        }
        return try arguments[index].evaluate(current)
    }

    private func expressionArgument(_ arguments: [JMESNode], _ index: Int) throws(JMESPathError) -> JMESNode {
        guard case .expref(let expression) = arguments[index] else {
            throw typeError(index, expected: "an expression reference (&expr)", got: "a value")
        }
        return expression
    }

    func typeError(_ index: Int, expected: String, got: String) -> JMESPathError {
        JMESPathError(kind: .invalidType, message: "\(rawValue)() argument \(index + 1) must be \(expected), got \(got)")
    }

    func typeError(_ index: Int, expected: String, value: JSONValue) -> JMESPathError {
        typeError(index, expected: expected, got: value.jmesTypeName)
    }

    func string(_ value: JSONValue, _ index: Int) throws(JMESPathError) -> String {
        guard case .string(let string) = value else { throw typeError(index, expected: "a string", value: value) }
        return string
    }

    func array(_ value: JSONValue, _ index: Int) throws(JMESPathError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw typeError(index, expected: "an array", value: value) }
        return elements
    }

    func object(_ value: JSONValue, _ index: Int) throws(JMESPathError) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw typeError(index, expected: "an object", value: value) }
        return members
    }

    func number(_ value: JSONValue, _ index: Int) throws(JMESPathError) -> JSONValue {
        guard value.isNumber else { throw typeError(index, expected: "a number", value: value) }
        return value
    }

    /// An array whose elements are all numbers.
    func numbers(_ value: JSONValue, _ index: Int) throws(JMESPathError) -> [JSONValue] {
        let elements = try array(value, index)
        guard elements.allSatisfy(\.isNumber) else { throw typeError(index, expected: "an array of numbers", value: value) }
        return elements
    }

    /// An array whose elements are all numbers or all strings.
    func sortable(_ value: JSONValue, _ index: Int) throws(JMESPathError) -> [JSONValue] {
        let elements = try array(value, index)
        guard Self.isHomogeneousSortable(elements) else {
            throw typeError(index, expected: "an array of numbers or an array of strings", value: value)
        }
        return elements
    }

    static func isHomogeneousSortable(_ values: [JSONValue]) -> Bool {
        guard let first = values.first else { return true }
        switch first {
        case .int, .double: return values.allSatisfy(\.isNumber)
        case .string: return values.allSatisfy { $0.stringValue != nil }
        default: return false
        }
    }

    // MARK: - sort_by, max_by, min_by

    /// Evaluates `expression` for each element; the keys must all be numbers or all strings.
    private func sortKeys(_ elements: [JSONValue], by expression: JMESNode) throws(JMESPathError) -> [(key: JSONValue, element: JSONValue)] {
        var keyed: [(key: JSONValue, element: JSONValue)] = []
        keyed.reserveCapacity(elements.count)
        for element in elements { keyed.append((try expression.evaluate(element), element)) }
        guard Self.isHomogeneousSortable(keyed.map(\.key)) else {
            let types = Set(keyed.map(\.key.jmesTypeName)).sorted().joined(separator: ", ")
            throw typeError(1, expected: "an expression yielding only numbers or only strings", got: types)
        }
        return keyed
    }

    private func pick(from keyed: [(key: JSONValue, element: JSONValue)]) -> JSONValue {
        switch self {
        case .sortBy: return .array(Self.stableSorted(keyed).map(\.element))
        case .maxBy: return Self.extreme(keyed, wanted: .greater)?.element ?? .null
        default: return Self.extreme(keyed, wanted: .less)?.element ?? .null
        }
    }

    static func stableSorted<T>(_ keyed: [(key: JSONValue, element: T)]) -> [(key: JSONValue, element: T)] {
        keyed.enumerated().sorted { lhs, rhs in
            switch JMESOrdering.sortable(lhs.element.key, rhs.element.key) {
            case .less: return true
            case .greater: return false
            default: return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }

    /// The first entry whose key is the greatest (`.greater`) or least (`.less`).
    static func extreme<T>(_ keyed: [(key: JSONValue, element: T)], wanted: JMESOrdering) -> (key: JSONValue, element: T)? {
        var best = keyed.first
        for entry in keyed.dropFirst() {
            if let current = best, JMESOrdering.sortable(entry.key, current.key) == wanted { best = entry }
        }
        return best
    }
}
