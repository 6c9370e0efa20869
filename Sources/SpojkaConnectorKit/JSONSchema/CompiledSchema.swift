import Foundation
import SpojkaCore

/// The JSON types named by the `type` keyword.
struct JSONTypeSet: OptionSet, Sendable {
    let rawValue: UInt8

    init(rawValue: UInt8) { self.rawValue = rawValue }

    static let null = JSONTypeSet(rawValue: 1)
    static let boolean = JSONTypeSet(rawValue: 2)
    static let object = JSONTypeSet(rawValue: 4)
    static let array = JSONTypeSet(rawValue: 8)
    static let number = JSONTypeSet(rawValue: 16)
    static let string = JSONTypeSet(rawValue: 32)
    static let integer = JSONTypeSet(rawValue: 64)

    /// The set for one type name, or `nil` for an unknown name.
    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "object": self = .object
        case "array": self = .array
        case "number": self = .number
        case "string": self = .string
        case "integer": self = .integer
        default: return nil
        }
    }

    /// Whether `value` is of one of the types in the set (`1.0` counts as an integer).
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .object: return contains(.object)
        case .array: return contains(.array)
        case .string: return contains(.string)
        case .int: return contains(.number) || contains(.integer)
        case .double(let d):
            return contains(.number) || (contains(.integer) && d.isFinite && d.rounded() == d)
        }
    }
}

/// A compiled keyword; subschemas are referenced by node index.
enum KeywordKind: Sendable {
    case ref(Int)
    case dynamicRef(fallback: Int, anchor: String)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case dependentSchemas([String: Int])
    /// Pre-2019 `dependencies`: property → required names or subschema.
    case dependencies(required: [String: [String]], schemas: [String: Int])
    case prefixItems([Int])
    case items(Int, prefix: Int)
    case contains(Int, min: Int?, max: Int?)
    case properties([String: Int])
    case patternProperties([(ECMARegex, Int)])
    case additionalProperties(Int, known: Set<String>, patterns: [ECMARegex])
    case propertyNames(Int)
    case unevaluatedItems(Int)
    case unevaluatedProperties(Int)
    case type(JSONTypeSet)
    case enumeration([JSONValue])
    case const(JSONValue)
    case multipleOf(JSONValue)
    case bound(JSONValue, NumericBound)
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([String: [String]])
    case format(String)
}

/// Which numeric bound a `bound` keyword imposes.
enum NumericBound: Sendable {
    case maximum, exclusiveMaximum, minimum, exclusiveMinimum
}

/// A keyword with the name used in error reports and schema paths.
struct CompiledKeyword: Sendable {
    let name: String
    let kind: KeywordKind
}

/// One compiled (sub)schema.
struct SchemaNode: Sendable {
    /// A boolean schema, or a list of keywords evaluated in order.
    enum Body: Sendable {
        case always(Bool)
        case keywords([CompiledKeyword])
    }

    let body: Body
    /// Index of the schema resource the node belongs to (for the dynamic scope).
    let resource: Int
}

/// The immutable result of compiling a schema and everything it references.
struct CompiledProgram: Sendable {
    let nodes: [SchemaNode]
    let root: Int
    /// Per resource index: `$dynamicAnchor` name → node index.
    let dynamicAnchors: [Int: [String: Int]]
}
