import Foundation
import SpojkaCore

/// The built-in functions that take only values.
extension JMESFunction {
    /// Applies the function to already evaluated, arity-checked arguments.
    func apply(_ args: [JSONValue]) throws(JMESPathError) -> JSONValue {
        switch self {
        case .abs: return Self.absolute(try number(args[0], 0))
        case .avg: return Self.average(try numbers(args[0], 0))
        case .ceil: return Self.rounded(try number(args[0], 0), .up)
        case .floor: return Self.rounded(try number(args[0], 0), .down)
        case .sum: return try numbers(args[0], 0).reduce(.int(0), Self.add)
        case .contains: return try contains(args[0], args[1])
        case .startsWith:
            return .bool(try string(args[0], 0).unicodeScalars.starts(with: try string(args[1], 1).unicodeScalars))
        case .endsWith:
            let subject = try string(args[0], 0).unicodeScalars.reversed()
            return .bool(subject.starts(with: try string(args[1], 1).unicodeScalars.reversed()))
        case .join: return try join(args[0], args[1])
        case .keys: return .array(try object(args[0], 0).keys.sorted(by: Self.codePointOrder).map(JSONValue.string))
        case .values: return .array(JMESNode.orderedValues(try object(args[0], 0)))
        case .length: return try length(args[0])
        case .max, .min: return try extremum(args[0])
        case .merge: return try merge(args)
        case .notNull: return args.first { if case .null = $0 { false } else { true } } ?? .null
        case .reverse: return try reverse(args[0])
        case .sort: return .array(JMESFunction.stableSorted(try sortable(args[0], 0).map { (key: $0, element: ()) }).map(\.key))
        case .toArray: if case .array = args[0] { return args[0] } else { return .array([args[0]]) }
        case .toString: return .string(args[0].stringValue ?? JMESSerializer.serialize(args[0]))
        case .toNumber: return Self.toNumber(args[0])
        case .type: return .string(args[0].jmesTypeName)
        case .map, .sortBy, .maxBy, .minBy: return .null  // dispatched in `call`
        }
    }

    private static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    // MARK: - Numbers

    private static func absolute(_ value: JSONValue) -> JSONValue {
        if case .int(let i) = value, i != .min { return .int(Swift.abs(i)) }
        return .double(Swift.abs(value.doubleValue ?? 0))
    }

    private static func average(_ values: [JSONValue]) -> JSONValue {
        guard !values.isEmpty else { return .null }
        let total = values.reduce(0.0) { $0 + ($1.doubleValue ?? 0) }
        return .double(total / Double(values.count))
    }

    private static func rounded(_ value: JSONValue, _ rule: FloatingPointRoundingRule) -> JSONValue {
        guard case .double(let d) = value else { return value }
        let result = d.rounded(rule)
        return Int(exactly: result).map(JSONValue.int) ?? .double(result)
    }

    static func add(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        if case .int(let x) = a, case .int(let y) = b {
            let (sum, overflow) = x.addingReportingOverflow(y)
            if !overflow { return .int(sum) }
        }
        return .double((a.doubleValue ?? 0) + (b.doubleValue ?? 0))
    }

    private static func toNumber(_ value: JSONValue) -> JSONValue {
        switch value {
        case .int, .double: return value
        case .string(let s):
            if let number = JMESJSONParser.parse(s), number.isNumber { return number }
            let allowed = Set("0123456789+-.eE")
            guard !s.isEmpty, s.allSatisfy(allowed.contains), let d = Double(s), d.isFinite else { return .null }
            return .double(d)
        default: return .null
        }
    }

    // MARK: - Strings and collections

    private func contains(_ subject: JSONValue, _ search: JSONValue) throws(JMESPathError) -> JSONValue {
        switch subject {
        case .array(let elements): return .bool(elements.contains(search))
        case .string(let haystack):
            guard case .string(let needle) = search else { return .bool(false) }
            return .bool(Self.scalars(of: haystack, contain: needle))
        default: throw typeError(0, expected: "an array or a string", value: subject)
        }
    }

    private static func scalars(of haystack: String, contain needle: String) -> Bool {
        let h = Array(haystack.unicodeScalars), n = Array(needle.unicodeScalars)
        guard n.count <= h.count else { return false }
        return (0...(h.count - n.count)).contains { h[$0..<($0 + n.count)].elementsEqual(n) }
    }

    private func join(_ glue: JSONValue, _ list: JSONValue) throws(JMESPathError) -> JSONValue {
        let separator = try string(glue, 0)
        let elements = try array(list, 1)
        var parts: [String] = []
        parts.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let s) = element else { throw typeError(1, expected: "an array of strings", value: list) }
            parts.append(s)
        }
        return .string(parts.joined(separator: separator))
    }

    private func length(_ value: JSONValue) throws(JMESPathError) -> JSONValue {
        switch value {
        case .string(let s): return .int(s.unicodeScalars.count)
        case .array(let a): return .int(a.count)
        case .object(let o): return .int(o.count)
        default: throw typeError(0, expected: "a string, an array or an object", value: value)
        }
    }

    private func extremum(_ value: JSONValue) throws(JMESPathError) -> JSONValue {
        let keyed = try sortable(value, 0).map { (key: $0, element: ()) }
        return Self.extreme(keyed, wanted: self == .max ? .greater : .less)?.key ?? .null
    }

    private func merge(_ args: [JSONValue]) throws(JMESPathError) -> JSONValue {
        var result: [String: JSONValue] = [:]
        for (index, arg) in args.enumerated() {
            result.merge(try object(arg, index)) { _, new in new }
        }
        return .object(result)
    }

    private func reverse(_ value: JSONValue) throws(JMESPathError) -> JSONValue {
        switch value {
        case .string(let s): return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
        case .array(let a): return .array(a.reversed())
        default: throw typeError(0, expected: "a string or an array", value: value)
        }
    }
}
