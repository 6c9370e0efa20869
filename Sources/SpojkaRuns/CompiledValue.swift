import SpojkaConnectorKit
import SpojkaCore

/// A configuration value with its templates parsed once, rendered per step against the run context.
indirect enum CompiledValue: Sendable {
    case literal(JSONValue)
    case template(Template, source: String)
    case array([CompiledValue])
    case object([(String, CompiledValue)])

    /// Parses every `{{ … }}` inside `value`; throws the first template that does not parse.
    init(_ value: JSONValue) throws {
        switch value {
        case .string(let s) where Template.isTemplate(s): self = .template(try Template(s), source: s)
        case .array(let items):
            let compiled = try items.map(CompiledValue.init)
            self = compiled.allSatisfy(\.isLiteral) ? .literal(value) : .array(compiled)
        case .object(let members):
            let compiled = try members.sorted { $0.key < $1.key }.map { ($0.key, try CompiledValue($0.value)) }
            self = compiled.allSatisfy(\.1.isLiteral) ? .literal(value) : .object(compiled)
        default: self = .literal(value)
        }
    }

    var isLiteral: Bool { if case .literal = self { return true }; return false }

    /// Renders against the run context; a failure names the expression and the reason.
    func render(_ scope: JSONValue) throws -> JSONValue {
        switch self {
        case .literal(let value): return value
        case .template(let template, _): return try template.render(scope)
        case .array(let items): return .array(try items.map { try $0.render(scope) })
        case .object(let members):
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(members.count)
            for (key, value) in members { out[key] = try value.render(scope) }
            return .object(out)
        }
    }
}

/// The rules of a condition node (or a `while` loop), compiled.
struct CompiledCondition: Sendable {
    struct Rule: Sendable {
        let field: CompiledValue
        let op: String
        let value: CompiledValue
    }

    static let operators: Set<String> = ["equals", "not_equals", "gt", "gte", "lt", "lte", "contains", "not_contains", "is_empty", "is_not_empty"]
    let any: Bool
    let rules: [Rule]

    init(_ config: JSONValue) throws {
        any = config["combine"]?.stringValue == "or"
        rules = try (config["rules"]?.arrayValue ?? []).map {
            Rule(field: try CompiledValue($0["field"] ?? .null), op: $0["operator"]?.stringValue ?? "equals", value: try CompiledValue($0["value"] ?? .null))
        }
    }

    func evaluate(_ scope: JSONValue) throws -> Bool {
        if rules.isEmpty { return true }
        for rule in rules {
            let hit = Self.test(try rule.field.render(scope), rule.op, try rule.value.render(scope))
            if any && hit { return true }
            if !any && !hit { return false }
        }
        return !any
    }

    /// One rule; `equals` is type-strict (`1` is not `"1"`), comparisons need two numbers or two strings.
    static func test(_ left: JSONValue, _ op: String, _ right: JSONValue) -> Bool {
        switch op {
        case "equals": return strictEqual(left, right)
        case "not_equals": return !strictEqual(left, right)
        case "gt", "gte", "lt", "lte":
            guard let order = compare(left, right) else { return false }
            switch op {
            case "gt": return order > 0
            case "gte": return order >= 0
            case "lt": return order < 0
            default: return order <= 0
            }
        case "contains": return contains(left, right)
        case "not_contains": return !contains(left, right)
        case "is_empty": return isEmpty(left)
        case "is_not_empty": return !isEmpty(left)
        default: return false
        }
    }

    static func strictEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double): return a == b
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.null, .null): return true
        case (.array, .array), (.object, .object): return a == b
        default: return false
        }
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        if let x = number(a), let y = number(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        if case .string(let x) = a, case .string(let y) = b { return x < y ? -1 : (x > y ? 1 : 0) }
        return nil
    }

    static func contains(_ container: JSONValue, _ item: JSONValue) -> Bool {
        switch container {
        case .string(let s): if case .string(let sub) = item { return s.contains(sub) }; return false
        case .array(let items): return items.contains { strictEqual($0, item) }
        case .object(let members): if case .string(let key) = item { return members[key] != nil }; return false
        default: return false
        }
    }

    static func isEmpty(_ v: JSONValue) -> Bool {
        switch v {
        case .null: true
        case .string(let s): s.isEmpty
        case .array(let a): a.isEmpty
        case .object(let o): o.isEmpty
        default: false
        }
    }
}
