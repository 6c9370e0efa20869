import Foundation
import SpojkaCore

/// Which parts of the instance a schema evaluated (for `unevaluated*`).
struct Annotations {
    var properties: Set<String> = []
    var itemPrefix = 0
    var allItems = false
    var items: Set<Int> = []

    /// Adds everything `other` evaluated.
    mutating func merge(_ other: Annotations) {
        properties.formUnion(other.properties)
        itemPrefix = max(itemPrefix, other.itemPrefix)
        allItems = allItems || other.allItems
        items.formUnion(other.items)
    }
}

/// The result of evaluating a schema against one instance location.
struct Outcome {
    var errors: [JSONSchemaError] = []
    var annotations = Annotations()

    var isValid: Bool { errors.isEmpty }

    /// Takes over `other`'s errors, and its annotations when it succeeded.
    mutating func absorb(_ other: Outcome) {
        errors += other.errors
        if other.isValid { annotations.merge(other.annotations) }
    }
}

/// Where a keyword is being applied.
struct KeywordContext {
    let keyword: String
    let instance: JSONValue
    let instancePath: String
    let schemaPath: String

    /// An error for this keyword (or `keyword`) at this instance location.
    func error(_ message: String, keyword: String? = nil) -> JSONSchemaError {
        let name = keyword ?? self.keyword
        let path = keyword == nil ? schemaPath : String(schemaPath.dropLast(self.keyword.count)) + name
        return JSONSchemaError(instancePath: instancePath, keyword: name, schemaPath: path, message: message)
    }

    /// The schema path of a subschema below this keyword.
    func schema(_ token: String) -> String { JSONPointer.append(schemaPath, token) }

    /// The instance path of a child of this instance.
    func instance(_ token: String) -> String { JSONPointer.append(instancePath, token) }
}

/// Runs a compiled program against instances, tracking the dynamic scope.
struct Evaluator {
    static let maximumDepth = 512

    let program: CompiledProgram
    /// Stop at the first failing keyword (when only validity matters).
    let failFast: Bool
    private var scope: [Int] = []

    init(program: CompiledProgram, failFast: Bool) {
        self.program = program
        self.failFast = failFast
    }

    /// Evaluates node `id` against `instance`.
    mutating func evaluate(_ id: Int, _ instance: JSONValue, instancePath: String, schemaPath: String) -> Outcome {
        let node = program.nodes[id]
        switch node.body {
        case .always(true):
            return Outcome()
        case .always(false):
            let error = JSONSchemaError(instancePath: instancePath, keyword: "false", schemaPath: schemaPath,
                                        message: "no value is allowed here")
            return Outcome(errors: [error])
        case .keywords(let keywords):
            guard scope.count < Self.maximumDepth else {
                let error = JSONSchemaError(instancePath: instancePath, keyword: "$ref", schemaPath: schemaPath,
                                            message: "maximum schema evaluation depth exceeded")
                return Outcome(errors: [error])
            }
            scope.append(node.resource)
            defer { scope.removeLast() }
            var outcome = Outcome()
            for keyword in keywords {
                let context = KeywordContext(keyword: keyword.name, instance: instance, instancePath: instancePath,
                                             schemaPath: JSONPointer.append(schemaPath, keyword.name))
                apply(keyword.kind, context, into: &outcome)
                if failFast && !outcome.isValid { break }
            }
            return outcome
        }
    }

    /// Evaluates a subschema at a child instance location; a `false` subschema reports `message`.
    mutating func child(_ id: Int, _ instance: JSONValue, _ context: KeywordContext, instanceToken: String?,
                        schemaToken: String?, message: @autoclosure () -> String) -> Outcome {
        let instancePath = instanceToken.map(context.instance) ?? context.instancePath
        let schemaPath = schemaToken.map(context.schema) ?? context.schemaPath
        if case .always(false) = program.nodes[id].body {
            let error = JSONSchemaError(instancePath: instancePath, keyword: context.keyword,
                                        schemaPath: schemaPath, message: message())
            return Outcome(errors: [error])
        }
        return evaluate(id, instance, instancePath: instancePath, schemaPath: schemaPath)
    }

    /// The target of a `$dynamicRef`: the outermost resource in scope defining `anchor`, else `fallback`.
    func dynamicTarget(anchor: String, fallback: Int) -> Int {
        for resource in scope {
            if let id = program.dynamicAnchors[resource]?[anchor] { return id }
        }
        return fallback
    }

    private mutating func apply(_ kind: KeywordKind, _ context: KeywordContext, into outcome: inout Outcome) {
        switch kind {
        case .ref(let id):
            outcome.absorb(evaluate(id, context.instance, instancePath: context.instancePath,
                                    schemaPath: context.schemaPath))
        case .dynamicRef(let fallback, let anchor):
            let target = dynamicTarget(anchor: anchor, fallback: fallback)
            outcome.absorb(evaluate(target, context.instance, instancePath: context.instancePath,
                                    schemaPath: context.schemaPath))
        case .dependencies(let required, let schemas):
            apply(.dependentSchemas(schemas), context, into: &outcome)
            apply(.dependentRequired(required), context, into: &outcome)
        case .allOf, .anyOf, .oneOf, .not, .conditional, .dependentSchemas:
            applyLogic(kind, context, into: &outcome)
        case .prefixItems, .items, .contains, .unevaluatedItems:
            applyArray(kind, context, into: &outcome)
        case .properties, .patternProperties, .additionalProperties, .propertyNames, .unevaluatedProperties:
            applyObject(kind, context, into: &outcome)
        default:
            if let message = Assertions.check(kind, context.instance) {
                outcome.errors.append(context.error(message))
            }
        }
    }
}
