import Foundation
import SpojkaCore

extension Evaluator {
    /// Applies the in-place applicators: `allOf`, `anyOf`, `oneOf`, `not`, `if`, `dependentSchemas`.
    mutating func applyLogic(_ kind: KeywordKind, _ context: KeywordContext, into outcome: inout Outcome) {
        switch kind {
        case .allOf(let ids):
            for (offset, id) in ids.enumerated() {
                outcome.absorb(inPlace(id, context, String(offset)))
                if failFast && !outcome.isValid { return }
            }
        case .anyOf(let ids):
            let results = ids.enumerated().map { inPlace($0.element, context, String($0.offset)) }
            let valid = results.filter(\.isValid)
            valid.forEach { outcome.absorb($0) }
            if valid.isEmpty {
                outcome.errors.append(context.error("value does not match any of the \(ids.count) schemas in anyOf"))
            }
        case .oneOf(let ids):
            let results = ids.enumerated().map { inPlace($0.element, context, String($0.offset)) }
            let valid = results.filter(\.isValid)
            if valid.count == 1 {
                outcome.absorb(valid[0])
            } else {
                outcome.errors.append(context.error(
                    "value matches \(valid.count) of the \(ids.count) schemas in oneOf; exactly one is required"))
            }
        case .not(let id):
            if inPlace(id, context, nil).isValid {
                outcome.errors.append(context.error("value must not match the schema in 'not'"))
            }
        case .conditional(let condition, let then, let otherwise):
            applyConditional(condition, then, otherwise, context, into: &outcome)
        case .dependentSchemas(let map):
            guard case .object(let members) = context.instance else { return }
            for (name, id) in map.sorted(by: { $0.key < $1.key }) where members[name] != nil {
                outcome.absorb(inPlace(id, context, name))
            }
        default:
            break
        }
    }

    private mutating func inPlace(_ id: Int, _ context: KeywordContext, _ token: String?) -> Outcome {
        child(id, context.instance, context, instanceToken: nil, schemaToken: token,
              message: "value is not allowed by '\(context.keyword)'")
    }

    private mutating func applyConditional(_ condition: Int, _ then: Int?, _ otherwise: Int?,
                                           _ context: KeywordContext, into outcome: inout Outcome) {
        let parent = String(context.schemaPath.dropLast(context.keyword.count))
        let test = evaluate(condition, context.instance, instancePath: context.instancePath,
                            schemaPath: context.schemaPath)
        let (branch, name) = test.isValid ? (then, "then") : (otherwise, "else")
        if test.isValid { outcome.annotations.merge(test.annotations) }
        guard let branch else { return }
        let branchContext = KeywordContext(keyword: name, instance: context.instance,
                                           instancePath: context.instancePath, schemaPath: parent + name)
        outcome.absorb(inPlace(branch, branchContext, nil))
    }

    /// Applies the array applicators: `prefixItems`, `items`, `contains`, `unevaluatedItems`.
    mutating func applyArray(_ kind: KeywordKind, _ context: KeywordContext, into outcome: inout Outcome) {
        guard case .array(let items) = context.instance else { return }
        switch kind {
        case .prefixItems(let ids):
            for (index, id) in ids.prefix(items.count).enumerated() {
                outcome.errors += element(id, items[index], index, context, schemaToken: String(index)).errors
            }
            outcome.annotations.itemPrefix = max(outcome.annotations.itemPrefix, min(ids.count, items.count))
        case .items(let id, let prefix):
            for index in items.indices.dropFirst(prefix) {
                outcome.errors += element(id, items[index], index, context, schemaToken: nil).errors
                if failFast && !outcome.isValid { return }
            }
            outcome.annotations.allItems = true
        case .contains(let id, let minimum, let maximum):
            applyContains(id, minimum, maximum, items, context, into: &outcome)
        case .unevaluatedItems(let id):
            let seen = outcome.annotations
            guard !seen.allItems else { return }
            for index in items.indices.dropFirst(seen.itemPrefix) where !seen.items.contains(index) {
                outcome.errors += element(id, items[index], index, context, schemaToken: nil).errors
            }
            outcome.annotations.allItems = true
        default:
            break
        }
    }

    private mutating func element(_ id: Int, _ item: JSONValue, _ index: Int, _ context: KeywordContext,
                                  schemaToken: String?) -> Outcome {
        child(id, item, context, instanceToken: String(index), schemaToken: schemaToken,
              message: "item \(index) is not allowed by '\(context.keyword)'")
    }

    private mutating func applyContains(_ id: Int, _ minimum: Int?, _ maximum: Int?, _ items: [JSONValue],
                                        _ context: KeywordContext, into outcome: inout Outcome) {
        var matched: [Int] = []
        for (index, item) in items.enumerated()
        where evaluate(id, item, instancePath: context.instance(String(index)), schemaPath: context.schemaPath).isValid {
            matched.append(index)
        }
        outcome.annotations.items.formUnion(matched)
        let required = minimum ?? 1
        if matched.count < required {
            let message = minimum == nil
                ? "array does not contain an item matching 'contains'"
                : "array contains \(matched.count) matching items; at least \(required) required"
            outcome.errors.append(context.error(message, keyword: minimum == nil ? nil : "minContains"))
        }
        if let maximum, matched.count > maximum {
            outcome.errors.append(context.error(
                "array contains \(matched.count) matching items; at most \(maximum) allowed", keyword: "maxContains"))
        }
    }
}
