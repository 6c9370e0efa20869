import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `array` utility connector: filter, sort, unique, find, flatten, chunk, group.
enum ArrayTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "array.filter": utilityTool { args in
                let condition = try ArrayCondition(args)
                let kept = try args.array("items").filter { try condition.matches($0) }
                return .object(["result": .array(kept), "count": .int(kept.count)])
            },
            "array.find": utilityTool { args in
                let condition = try ArrayCondition(args)
                let items = try args.array("items")
                let index = try items.firstIndex { try condition.matches($0) }
                return .object(["result": index.map { items[$0] } ?? .null, "index": .int(index ?? -1), "found": .bool(index != nil)])
            },
            "array.sort": utilityTool(sort),
            "array.unique": utilityTool(unique),
            "array.flatten": utilityTool { args in
                let depth = try args.int("depth", default: 1)
                return .object(["result": .array(flatten(try args.array("items"), depth: min(max(depth, 0), 100)))])
            },
            "array.chunk": utilityTool(chunk),
            "array.group": utilityTool(group),
        ]
    }

    /// Stable sort by an optional JMESPath key.
    static func sort(_ args: ToolArguments) throws -> JSONValue {
        let path = try args.optionalString("by").map { try compilePath($0, argument: "by") }
        let items = try args.array("items")
        let keys = try items.map { try select(path, in: $0) }
        let descending = args.string("order", default: "asc") == "desc"
        let order = items.indices.sorted { a, b in
            let comparison = JSONOrder.compare(keys[a], keys[b])
            if comparison == 0 { return a < b }
            return descending ? comparison > 0 : comparison < 0
        }
        return .object(["result": .array(order.map { items[$0] })])
    }

    /// Keeps the first item of each distinct value (or key).
    static func unique(_ args: ToolArguments) throws -> JSONValue {
        let path = try args.optionalString("by").map { try compilePath($0, argument: "by") }
        var seen: Set<JSONValue> = [], result: [JSONValue] = []
        for item in try args.array("items") where seen.insert(try select(path, in: item)).inserted {
            result.append(item)
        }
        return .object(["result": .array(result), "count": .int(result.count)])
    }

    /// Splits items into consecutive chunks of `size`.
    static func chunk(_ args: ToolArguments) throws -> JSONValue {
        let size = try args.int("size")
        guard size >= 1 else { throw utilityError("Argument 'size' must be at least 1") }
        let items = try args.array("items")
        let chunks = stride(from: 0, to: items.count, by: size).map { JSONValue.array(Array(items[$0..<min($0 + size, items.count)])) }
        return .object(["result": .array(chunks)])
    }

    /// Groups items by a JMESPath key into an object of arrays.
    static func group(_ args: ToolArguments) throws -> JSONValue {
        let path = try compilePath(try args.string("by"), argument: "by")
        var groups: [String: [JSONValue]] = [:], keys: [String] = []
        for item in try args.array("items") {
            let value = try select(path, in: item)
            let key = value.stringValue ?? JSONText.serialize(value)
            if groups[key] == nil { keys.append(key) }
            groups[key, default: []].append(item)
        }
        return .object(["result": .object(groups.mapValues(JSONValue.array)), "keys": .array(keys.map(JSONValue.string))])
    }

    /// `items` with nested arrays spliced in, up to `depth` levels.
    static func flatten(_ items: [JSONValue], depth: Int) -> [JSONValue] {
        items.flatMap { item -> [JSONValue] in
            guard depth > 0, case .array(let inner) = item else { return [item] }
            return flatten(inner, depth: depth - 1)
        }
    }
}

/// A comparison of an item's field against a value (`filter`, `find`).
struct ArrayCondition: Sendable {
    let path: JMESPathExpression?
    let op: String
    let value: JSONValue?

    /// Reads `field`, `operator` and `value` from the arguments.
    init(_ args: ToolArguments) throws {
        path = try args.optionalString("field").map { try compilePath($0, argument: "field") }
        op = try args.string("operator")
        value = args.values["value"]
        if value == nil, !["exists", "not_exists"].contains(op) {
            throw utilityError("Argument 'value' is required for operator '\(op)'")
        }
    }

    /// Whether `item` satisfies the condition.
    func matches(_ item: JSONValue) throws -> Bool {
        let actual = try select(path, in: item)
        let expected = value ?? .null
        switch op {
        case "exists": return actual != .null
        case "not_exists": return actual == .null
        case "equals": return actual == expected
        case "not_equals": return actual != expected
        case "gt", "gte", "lt", "lte": return ordered(actual, expected)
        case "contains": return contains(actual, expected)
        case "not_contains": return !contains(actual, expected)
        case "starts_with": return actual.stringValue.flatMap { s in expected.stringValue.map { s.hasPrefix($0) } } ?? false
        case "ends_with": return actual.stringValue.flatMap { s in expected.stringValue.map { s.hasSuffix($0) } } ?? false
        default: throw utilityError("Argument 'operator' has unknown value '\(op)'")
        }
    }

    private func ordered(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        let comparable = (actual.isNumber && expected.isNumber) || (actual.stringValue != nil && expected.stringValue != nil)
        guard comparable else { return false }
        let c = JSONOrder.compare(actual, expected)
        switch op {
        case "gt": return c > 0
        case "gte": return c >= 0
        case "lt": return c < 0
        default: return c <= 0
        }
    }

    private func contains(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        switch actual {
        case .string(let s): return expected.stringValue.map { s.contains($0) } ?? false
        case .array(let a): return a.contains(expected)
        case .object(let o): return expected.stringValue.map { o[$0] != nil } ?? false
        default: return false
        }
    }
}

/// A total order over JSON values: null < booleans < numbers < strings < arrays < objects.
enum JSONOrder {
    /// -1, 0 or 1.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int {
        let (ra, rb) = (rank(a), rank(b))
        if ra != rb { return ra < rb ? -1 : 1 }
        switch (a, b) {
        case let (.bool(x), .bool(y)): return x == y ? 0 : (x ? 1 : -1)
        case let (.string(x), .string(y)): return x == y ? 0 : (x < y ? -1 : 1)
        case let (.array(x), .array(y)):
            for (p, q) in zip(x, y) { let c = compare(p, q); if c != 0 { return c } }
            return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
        default:
            if let x = a.doubleValue, let y = b.doubleValue { return x == y ? 0 : (x < y ? -1 : 1) }
            return 0
        }
    }

    private static func rank(_ value: JSONValue) -> Int {
        switch value {
        case .null: return 0
        case .bool: return 1
        case .int, .double: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        }
    }
}
