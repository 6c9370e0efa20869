import SpojkaCore

/// Tree-walking evaluation of compiled JMESPath expressions.
extension JMESNode {
    /// Evaluates this node against `value`.
    func evaluate(_ value: JSONValue) throws(JMESPathError) -> JSONValue {
        switch self {
        case .identity: return value
        case .field(let name): return value[name] ?? .null
        case .index(let index): return Self.element(of: value, at: index)
        case .slice(let start, let stop, let step): return Self.slice(value, start: start, stop: stop, step: step)
        case .literal(let literal): return literal
        case .subexpression(let left, let right), .pipe(let left, let right):
            return try right.evaluate(try left.evaluate(value))
        case .listProjection(let left, let right):
            guard case .array(let elements) = try left.evaluate(value) else { return .null }
            return try right.project(elements)
        case .valueProjection(let left, let right):
            guard case .object(let members) = try left.evaluate(value) else { return .null }
            return try right.project(Self.orderedValues(members))
        case .filterProjection(let left, let right, let condition):
            guard case .array(let elements) = try left.evaluate(value) else { return .null }
            return try right.project(elements, where: condition)
        case .flatten(let inner): return Self.flatten(try inner.evaluate(value))
        case .multiSelectList(let nodes): return try Self.multiSelect(nodes, value)
        case .multiSelectHash(let entries): return try Self.multiSelect(entries, value)
        case .or(let left, let right):
            let result = try left.evaluate(value)
            return result.jmesIsTruthy ? result : try right.evaluate(value)
        case .and(let left, let right):
            let result = try left.evaluate(value)
            return result.jmesIsTruthy ? try right.evaluate(value) : result
        case .not(let inner): return .bool(!(try inner.evaluate(value)).jmesIsTruthy)
        case .comparison(let op, let left, let right):
            return Self.compare(op, try left.evaluate(value), try right.evaluate(value))
        case .expref:
            throw JMESPathError(kind: .invalidType, message: "an expression reference (&) can only be a function argument")
        case .function(let function, let arguments): return try function.call(arguments, on: value)
        }
    }

    /// Applies this node to each element, keeping non-null results.
    private func project(_ elements: [JSONValue], where condition: JMESNode? = nil) throws(JMESPathError) -> JSONValue {
        var results: [JSONValue] = []
        results.reserveCapacity(elements.count)
        for element in elements {
            if let condition, !(try condition.evaluate(element)).jmesIsTruthy { continue }
            let result = try evaluate(element)
            if case .null = result { continue }
            results.append(result)
        }
        return .array(results)
    }

    /// Object values in key order, so that results are deterministic.
    static func orderedValues(_ members: [String: JSONValue]) -> [JSONValue] {
        members.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }.map(\.value)
    }

    private static func element(of value: JSONValue, at index: Int) -> JSONValue {
        guard case .array(let elements) = value else { return .null }
        let resolved = index < 0 ? elements.count + index : index
        return elements.indices.contains(resolved) ? elements[resolved] : .null
    }

    private static func slice(_ value: JSONValue, start: Int?, stop: Int?, step: Int) -> JSONValue {
        guard case .array(let elements) = value else { return .null }
        let count = elements.count
        var index = start.map { clamp($0, count: count, step: step) } ?? (step < 0 ? count - 1 : 0)
        let end = stop.map { clamp($0, count: count, step: step) } ?? (step < 0 ? -1 : count)
        var results: [JSONValue] = []
        while step > 0 ? index < end : index > end {
            results.append(elements[index])
            let (next, overflow) = index.addingReportingOverflow(step)  // a step near Int.max must end the slice, not trap
            if overflow { break }
            index = next
        }
        return .array(results)
    }

    /// Resolves a slice endpoint against an array of `count` elements.
    private static func clamp(_ endpoint: Int, count: Int, step: Int) -> Int {
        if endpoint < 0 {
            let adjusted = endpoint + count
            return adjusted >= 0 ? adjusted : (step < 0 ? -1 : 0)
        }
        return endpoint < count ? endpoint : (step < 0 ? count - 1 : count)
    }

    private static func flatten(_ value: JSONValue) -> JSONValue {
        guard case .array(let elements) = value else { return .null }
        var results: [JSONValue] = []
        results.reserveCapacity(elements.count)
        for element in elements {
            if case .array(let nested) = element {
                results.append(contentsOf: nested)
            } else {
                results.append(element)
            }
        }
        return .array(results)
    }

    private static func multiSelect(_ nodes: [JMESNode], _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        if case .null = value { return .null }
        var results: [JSONValue] = []
        results.reserveCapacity(nodes.count)
        for node in nodes { results.append(try node.evaluate(value)) }
        return .array(results)
    }

    private static func multiSelect(_ entries: [JMESKeyedNode], _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        if case .null = value { return .null }
        var results: [String: JSONValue] = [:]
        results.reserveCapacity(entries.count)
        for entry in entries { results[entry.key] = try entry.node.evaluate(value) }
        return .object(results)
    }

    private static func compare(_ op: JMESComparator, _ left: JSONValue, _ right: JSONValue) -> JSONValue {
        switch op {
        case .equal: return .bool(left == right)
        case .notEqual: return .bool(left != right)
        default: break
        }
        guard let order = JMESOrdering.numeric(left, right) else { return .null }
        switch op {
        case .less: return .bool(order == .less)
        case .lessOrEqual: return .bool(order != .greater)
        case .greater: return .bool(order == .greater)
        default: return .bool(order != .less)
        }
    }
}

/// The result of comparing two JMESPath values.
enum JMESOrdering: Sendable {
    case less, equal, greater

    /// Compares two numbers (exactly when both are integers); `nil` unless both are numbers.
    static func numeric(_ left: JSONValue, _ right: JSONValue) -> JMESOrdering? {
        if case .int(let a) = left, case .int(let b) = right { return a < b ? .less : (a == b ? .equal : .greater) }
        guard let a = left.doubleValue, let b = right.doubleValue else { return nil }
        return a < b ? .less : (a == b ? .equal : .greater)
    }

    /// Compares two numbers, or two strings by code point; `nil` for any other combination.
    static func sortable(_ left: JSONValue, _ right: JSONValue) -> JMESOrdering? {
        if case .string(let a) = left, case .string(let b) = right {
            if a.unicodeScalars.elementsEqual(b.unicodeScalars) { return .equal }
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? .less : .greater
        }
        return numeric(left, right)
    }
}

extension JSONValue {
    /// JMESPath truthiness: `null`, `false`, and empty strings, arrays and objects are false.
    var jmesIsTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        case .int, .double: return true
        }
    }

    /// The JMESPath type name: `null`, `boolean`, `number`, `string`, `array` or `object`.
    public var jmesTypeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
