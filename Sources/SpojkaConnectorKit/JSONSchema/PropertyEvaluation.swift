import Foundation
import SpojkaCore

extension Evaluator {
    /// Applies the object applicators: `properties`, `patternProperties`, `additionalProperties`,
    /// `propertyNames`, `unevaluatedProperties`.
    mutating func applyObject(_ kind: KeywordKind, _ context: KeywordContext, into outcome: inout Outcome) {
        guard case .object(let members) = context.instance else { return }
        let names = members.keys.sorted()
        switch kind {
        case .properties(let map):
            for name in names {
                guard let id = map[name], let value = members[name] else { continue }
                outcome.errors += member(id, name, value, context, schemaToken: name).errors
                outcome.annotations.properties.insert(name)
            }
        case .patternProperties(let pairs):
            for name in names {
                guard let value = members[name] else { continue }
                for (regex, id) in pairs where regex.matches(name) {
                    outcome.errors += member(id, name, value, context, schemaToken: regex.source).errors
                    outcome.annotations.properties.insert(name)
                }
            }
        case .additionalProperties(let id, let known, let patterns):
            for name in names where !known.contains(name) && !patterns.contains(where: { $0.matches(name) }) {
                guard let value = members[name] else { continue }
                outcome.errors += member(id, name, value, context, schemaToken: nil).errors
                outcome.annotations.properties.insert(name)
            }
        case .propertyNames(let id):
            for name in names {
                outcome.errors += child(id, .string(name), context, instanceToken: name, schemaToken: nil,
                                        message: "property name '\(name)' is not allowed").errors
            }
        case .unevaluatedProperties(let id):
            for name in names where !outcome.annotations.properties.contains(name) {
                guard let value = members[name] else { continue }
                outcome.errors += member(id, name, value, context, schemaToken: nil).errors
            }
            outcome.annotations.properties.formUnion(names)
        default:
            break
        }
    }

    private mutating func member(_ id: Int, _ name: String, _ value: JSONValue, _ context: KeywordContext,
                                 schemaToken: String?) -> Outcome {
        child(id, value, context, instanceToken: name, schemaToken: schemaToken,
              message: "property '\(name)' is not allowed")
    }
}
