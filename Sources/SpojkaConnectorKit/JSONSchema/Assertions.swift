import Foundation
import SpojkaCore

/// The assertion keywords: each returns an error message, or `nil` when satisfied.
enum Assertions {
    static func check(_ kind: KeywordKind, _ instance: JSONValue) -> String? {
        switch kind {
        case .type(let types):
            return types.admits(instance) ? nil : "value of type \(typeName(instance)) is not allowed"
        case .enumeration(let values):
            return values.contains(where: { StrictEquality.equal($0, instance) }) ? nil : "value is not one of the allowed values"
        case .const(let value):
            return StrictEquality.equal(value, instance) ? nil : "value must equal the constant \(render(value))"
        case .multipleOf(let divisor):
            return Numbers.isMultiple(instance, of: divisor) ? nil : "value must be a multiple of \(render(divisor))"
        case .bound(let limit, let bound):
            return checkBound(instance, limit, bound)
        case .format(let name):
            guard case .string(let text) = instance, let valid = Formats.check(name, text) else { return nil }
            return valid ? nil : "value is not a valid \(name)"
        default:
            return checkString(kind, instance) ?? checkArray(kind, instance) ?? checkObject(kind, instance)
        }
    }

    private static func checkBound(_ instance: JSONValue, _ limit: JSONValue, _ bound: NumericBound) -> String? {
        guard let order = Numbers.compare(instance, limit) else { return nil }
        switch bound {
        case .maximum: return order <= 0 ? nil : "value must be at most \(render(limit))"
        case .exclusiveMaximum: return order < 0 ? nil : "value must be less than \(render(limit))"
        case .minimum: return order >= 0 ? nil : "value must be at least \(render(limit))"
        case .exclusiveMinimum: return order > 0 ? nil : "value must be greater than \(render(limit))"
        }
    }

    private static func checkString(_ kind: KeywordKind, _ instance: JSONValue) -> String? {
        guard case .string(let text) = instance else { return nil }
        switch kind {
        case .maxLength(let limit):
            return text.unicodeScalars.count <= limit ? nil : "string must have at most \(limit) characters"
        case .minLength(let limit):
            return text.unicodeScalars.count >= limit ? nil : "string must have at least \(limit) characters"
        case .pattern(let regex):
            return regex.matches(text) ? nil : "string does not match pattern '\(regex.source)'"
        default:
            return nil
        }
    }

    private static func checkArray(_ kind: KeywordKind, _ instance: JSONValue) -> String? {
        guard case .array(let items) = instance else { return nil }
        switch kind {
        case .maxItems(let limit):
            return items.count <= limit ? nil : "array must have at most \(limit) items"
        case .minItems(let limit):
            return items.count >= limit ? nil : "array must have at least \(limit) items"
        case .uniqueItems:
            guard let (first, second) = StrictEquality.firstDuplicate(items) else { return nil }
            return "array items \(first) and \(second) are equal; items must be unique"
        default:
            return nil
        }
    }

    private static func checkObject(_ kind: KeywordKind, _ instance: JSONValue) -> String? {
        guard case .object(let members) = instance else { return nil }
        switch kind {
        case .maxProperties(let limit):
            return members.count <= limit ? nil : "object must have at most \(limit) properties"
        case .minProperties(let limit):
            return members.count >= limit ? nil : "object must have at least \(limit) properties"
        case .required(let names):
            let missing = names.filter { members[$0] == nil }
            return missing.isEmpty ? nil : "missing required property " + quoted(missing)
        case .dependentRequired(let map):
            for (name, needed) in map.sorted(by: { $0.key < $1.key }) where members[name] != nil {
                let missing = needed.filter { members[$0] == nil }
                if !missing.isEmpty { return "property '\(name)' requires property " + quoted(missing) }
            }
            return nil
        default:
            return nil
        }
    }

    private static func quoted(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// The JSON type name of `value` (`integer` for integral numbers).
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double(let d): return d.rounded() == d ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// A compact JSON rendering for messages.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array, .object:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(value) else { return "…" }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// Numeric comparisons across `int` and `double`.
enum Numbers {
    /// -1, 0 or 1 comparing `a` to `b`; `nil` unless both are numbers.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        if case .int(let x) = a, case .int(let y) = b { return x < y ? -1 : (x == y ? 0 : 1) }
        guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    /// Whether `value` is an integral multiple of `divisor` (non-numbers pass).
    static func isMultiple(_ value: JSONValue, of divisor: JSONValue) -> Bool {
        if case .int(let x) = value, case .int(let y) = divisor { return x % y == 0 }
        guard let x = value.doubleValue, let y = divisor.doubleValue, y > 0 else { return true }
        let quotient = x / y
        guard quotient.isFinite else { return x.rounded() == x && (1 / y).rounded() == 1 / y }
        let nearest = quotient.rounded()
        return abs(quotient - nearest) <= 1e-9 * max(1, abs(quotient))
    }
}
