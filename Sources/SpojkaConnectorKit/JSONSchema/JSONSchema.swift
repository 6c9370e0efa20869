import Foundation
import SpojkaCore

/// A compiled JSON Schema (draft 2020-12): immutable, thread-safe and reusable.
public final class JSONSchema: Sendable {
    /// The schema document this was compiled from.
    public let source: JSONValue
    /// Whether `format` is asserted (rather than treated as an annotation).
    public let assertsFormats: Bool
    let program: CompiledProgram

    /// Compiles `schema`, resolving remote `$ref`s through `registry`; `format` is an annotation only.
    public convenience init(_ schema: JSONValue, registry: JSONSchemaRegistry = .init()) throws {
        try self.init(schema, registry: registry, assertFormats: false)
    }

    /// Compiles `schema`; with `assertFormats`, known `format`s (date-time, email, uri, …) are validated.
    public init(_ schema: JSONValue, registry: JSONSchemaRegistry = .init(), assertFormats: Bool) throws {
        var compiler = SchemaCompiler(registry: registry, assertFormats: assertFormats)
        program = try compiler.compile(schema)
        source = schema
        self.assertsFormats = assertFormats
    }

    /// Every validation error for `instance`; empty when it is valid.
    public func validate(_ instance: JSONValue) -> [JSONSchemaError] {
        var evaluator = Evaluator(program: program, failFast: false)
        return evaluator.evaluate(program.root, instance, instancePath: "", schemaPath: "").errors
    }

    /// Whether `instance` is valid (stops at the first failure).
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = Evaluator(program: program, failFast: true)
        return evaluator.evaluate(program.root, instance, instancePath: "", schemaPath: "").isValid
    }
}

/// Schema documents that `$ref` may reach by absolute URI (the 2020-12 meta-schemas are always present).
public struct JSONSchemaRegistry: Sendable {
    private var documents: [String: JSONValue] = [:]

    /// An empty registry (plus the built-in 2020-12 meta-schemas).
    public init() {}

    /// Makes `schema` available at the absolute URI `uri` (any fragment is ignored).
    public mutating func register(_ schema: JSONValue, as uri: String) {
        documents[URIReference(parsing: uri).withoutFragment.string] = schema
    }

    /// The document registered at `uri` (or declaring it as its root `$id`), else a built-in meta-schema.
    func document(for uri: String) -> JSONValue? {
        if let document = documents[uri] { return document }
        for (retrieval, document) in documents {
            guard let id = document["$id"]?.stringValue else { continue }
            if URIReference.resolve(id, against: retrieval).withoutFragment.string == uri { return document }
        }
        return Metaschemas.documents[uri]
    }
}

/// A thread-safe cache of compiled schemas keyed by the schema value.
public final class JSONSchemaCache: @unchecked Sendable {  // state guarded by `lock`
    private let lock = NSLock()
    private var compiled: [JSONValue: JSONSchema] = [:]
    /// The registry every schema in this cache is compiled with.
    public let registry: JSONSchemaRegistry
    /// Whether schemas compiled by this cache assert `format`.
    public let assertFormats: Bool

    /// A cache compiling with `registry` and the given `format` behaviour.
    public init(registry: JSONSchemaRegistry = .init(), assertFormats: Bool = false) {
        self.registry = registry
        self.assertFormats = assertFormats
    }

    /// The compiled schema for `schema`, compiling it on first use; equal schemas share one instance.
    public func schema(for schema: JSONValue) throws -> JSONSchema {
        if let hit = lock.withLock({ compiled[schema] }) { return hit }
        let fresh = try JSONSchema(schema, registry: registry, assertFormats: assertFormats)
        return lock.withLock {
            if let raced = compiled[schema] { return raced }
            compiled[schema] = fresh
            return fresh
        }
    }

    /// The number of compiled schemas held.
    public var count: Int { lock.withLock { compiled.count } }

    /// Drops every compiled schema.
    public func removeAll() { lock.withLock { compiled.removeAll() } }
}
