import SpojkaCore

/// A node of a compiled JMESPath expression.
indirect enum JMESNode: Sendable {
    /// `@`: the current node.
    case identity
    /// `name`: a member of an object, `null` otherwise.
    case field(String)
    /// `[n]`: an array element (negative counts from the end).
    case index(Int)
    /// `[start:stop:step]`: a slice of an array (step is never zero).
    case slice(start: Int?, stop: Int?, step: Int)
    /// A constant value.
    case literal(JSONValue)
    /// Evaluates the right side against the result of the left side.
    case subexpression(JMESNode, JMESNode)
    /// `left | right`: like a subexpression, but stops projections.
    case pipe(JMESNode, JMESNode)
    /// Applies the right side to each element of the array produced by the left side.
    case listProjection(JMESNode, JMESNode)
    /// Applies the right side to each value of the object produced by the left side.
    case valueProjection(JMESNode, JMESNode)
    /// Applies the right side to each element of the left array that satisfies the condition.
    case filterProjection(JMESNode, JMESNode, condition: JMESNode)
    /// Flattens one level of nested arrays.
    case flatten(JMESNode)
    /// `[a, b]`
    case multiSelectList([JMESNode])
    /// `{k: a, l: b}`
    case multiSelectHash([JMESKeyedNode])
    /// `a || b`
    case or(JMESNode, JMESNode)
    /// `a && b`
    case and(JMESNode, JMESNode)
    /// `!a`
    case not(JMESNode)
    /// `a == b`, `a < b`, …
    case comparison(JMESComparator, JMESNode, JMESNode)
    /// `&expr`: an expression passed unevaluated to a function.
    case expref(JMESNode)
    /// `name(args…)`
    case function(JMESFunction, [JMESNode])
}

/// One `key: expression` entry of a multi-select hash.
struct JMESKeyedNode: Sendable {
    var key: String
    var node: JMESNode
}

/// The comparison operators.
enum JMESComparator: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

/// The built-in JMESPath functions.
enum JMESFunction: String, Sendable, CaseIterable {
    case abs, avg, ceil, contains, floor, join, keys, length, map, max, merge, min
    case reverse, sort, sum, type, values
    case endsWith = "ends_with", maxBy = "max_by", minBy = "min_by", notNull = "not_null"
    case sortBy = "sort_by", startsWith = "starts_with", toArray = "to_array"
    case toString = "to_string", toNumber = "to_number"

    /// The minimum number of arguments, and whether more are accepted.
    var arity: (minimum: Int, variadic: Bool) {
        switch self {
        case .merge, .notNull: return (1, true)
        case .contains, .endsWith, .join, .map, .maxBy, .minBy, .sortBy, .startsWith: return (2, false)
        default: return (1, false)
        }
    }

    /// Throws `invalid-arity` unless `count` arguments are acceptable.
    func checkArity(_ count: Int, offset: Int) throws(JMESPathError) {
        let (minimum, variadic) = arity
        if count == minimum || (variadic && count > minimum) { return }
        let expected = variadic ? "at least \(minimum)" : "\(minimum)"
        let plural = minimum == 1 && !variadic ? "argument" : "arguments"
        throw JMESPathError(
            kind: .invalidArity,
            message: "\(rawValue)() takes \(expected) \(plural) but \(count) were given",
            offset: offset)
    }
}
