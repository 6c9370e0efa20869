import Foundation
import SpojkaCore

/// The 2020-12 vocabularies a schema resource uses, as declared by its metaschema's `$vocabulary`.
struct Vocabularies: OptionSet, Sendable {
    let rawValue: UInt16

    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let core = Vocabularies(rawValue: 1)
    static let applicator = Vocabularies(rawValue: 2)
    static let unevaluated = Vocabularies(rawValue: 4)
    static let validation = Vocabularies(rawValue: 8)
    static let metadata = Vocabularies(rawValue: 16)
    static let formatAnnotation = Vocabularies(rawValue: 32)
    static let formatAssertion = Vocabularies(rawValue: 64)
    static let content = Vocabularies(rawValue: 128)
    /// Keywords new in 2020-12 (`prefixItems`, `$dynamicRef`); absent for resources declaring an older draft.
    static let draft2020 = Vocabularies(rawValue: 256)

    /// The vocabularies of the standard 2020-12 metaschema.
    static let standard: Vocabularies = [
        .core, .applicator, .unevaluated, .validation, .metadata, .formatAnnotation, .content, .draft2020,
    ]

    private static let prefix = "https://json-schema.org/draft/2020-12/vocab/"

    /// The vocabulary with the URI `uri`, or `nil` when unknown.
    init?(uri: String) {
        guard uri.hasPrefix(Self.prefix) else { return nil }
        switch uri.dropFirst(Self.prefix.count) {
        case "core": self = .core
        case "applicator": self = .applicator
        case "unevaluated": self = .unevaluated
        case "validation": self = .validation
        case "meta-data": self = .metadata
        case "format-annotation": self = .formatAnnotation
        case "format-assertion": self = .formatAssertion
        case "content": self = .content
        default: return nil
        }
    }

    /// The vocabularies of a resource whose `$schema` is an older draft, or `nil` for any other URI.
    static func legacy(_ metaschema: String) -> Vocabularies? {
        let older = ["https://json-schema.org/draft/2019-09/", "http://json-schema.org/draft-0"]
        guard older.contains(where: metaschema.hasPrefix) else { return nil }
        return standard.subtracting(.draft2020)
    }

    /// The vocabularies declared by `metaschema`; throws on a required vocabulary we don't know.
    static func declared(by metaschema: JSONValue, uri: String) throws -> Vocabularies {
        guard let declared = metaschema["$vocabulary"]?.objectValue else { return .standard }
        var result: Vocabularies = [.core, .draft2020]
        for (vocabURI, required) in declared {
            if let known = Vocabularies(uri: vocabURI) {
                result.insert(known)
            } else if required.boolValue == true {
                throw JSONSchemaCompileError(location: uri, message: "unsupported required vocabulary \(vocabURI)")
            }
        }
        return result
    }

    /// The vocabulary that defines `keyword`, or `nil` for core and unknown keywords.
    static func owner(of keyword: String) -> Vocabularies? {
        switch keyword {
        case "prefixItems", "items", "contains", "additionalProperties", "properties", "patternProperties",
             "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not":
            return .applicator
        case "unevaluatedItems", "unevaluatedProperties":
            return .unevaluated
        case "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
             "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains",
             "minContains", "maxProperties", "minProperties", "required", "dependentRequired":
            return .validation
        case "format":
            return .formatAnnotation
        default:
            return nil
        }
    }

    /// Whether `keyword` is active under these vocabularies.
    func enables(_ keyword: String) -> Bool {
        if keyword == "prefixItems" || keyword == "$dynamicRef" { guard contains(.draft2020) else { return false } }
        guard let owner = Vocabularies.owner(of: keyword) else { return true }
        if owner == .formatAnnotation { return contains(.formatAnnotation) || contains(.formatAssertion) }
        return contains(owner)
    }
}
