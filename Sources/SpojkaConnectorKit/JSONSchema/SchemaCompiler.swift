import Foundation
import SpojkaCore

/// Compiles a root schema, and every document it references, into a `CompiledProgram`.
struct SchemaCompiler {
    /// The base URI of a root schema without an absolute `$id`.
    static let defaultBase = "urn:spojka:schema:root"

    let registry: JSONSchemaRegistry
    let assertFormats: Bool
    var index = SchemaIndex()
    private var nodes: [SchemaNode?] = []
    private var nodeIDs: [SchemaLocation: Int] = [:]
    private var queue: [(Int, SchemaLocation)] = []
    private var loaded: Set<String> = []

    init(registry: JSONSchemaRegistry, assertFormats: Bool) {
        self.registry = registry
        self.assertFormats = assertFormats
    }

    /// Compiles `schema` and everything reachable from it.
    mutating func compile(_ schema: JSONValue) throws -> CompiledProgram {
        let root = try addDocument(schema, uri: Self.defaultBase)
        let rootID = nodeID(for: root)
        try drain()
        let finished = try nodes.enumerated().map { offset, node in
            guard let node else { throw JSONSchemaCompileError(location: "#\(offset)", message: "internal: node not compiled") }
            return node
        }
        var anchors: [Int: [String: Int]] = [:]
        for (resource, names) in index.dynamicAnchors {
            anchors[resource] = names.compactMapValues { nodeIDs[$0] }
        }
        return CompiledProgram(nodes: finished, root: rootID, dynamicAnchors: anchors)
    }

    /// The node index for `location`, scheduling its compilation when new.
    mutating func nodeID(for location: SchemaLocation) -> Int {
        if let id = nodeIDs[location] { return id }
        let id = nodes.count
        nodes.append(nil)
        nodeIDs[location] = id
        queue.append((id, location))
        return id
    }

    private mutating func drain() throws {
        repeat {
            while let (id, location) = queue.popLast() {
                nodes[id] = try compileNode(at: location)
            }
            for names in index.dynamicAnchors.values {
                for location in names.values { _ = nodeID(for: location) }
            }
        } while !queue.isEmpty
    }

    private mutating func compileNode(at location: SchemaLocation) throws -> SchemaNode {
        guard let info = index.info[location] else {
            throw JSONSchemaCompileError(location: location.pointer, message: "internal: unindexed schema")
        }
        switch info.value {
        case .bool(let flag):
            return SchemaNode(body: .always(flag), resource: info.resource)
        case .object(let members):
            let keywords = try compileKeywords(members, at: location, info: info)
            return SchemaNode(body: .keywords(keywords), resource: info.resource)
        default:
            throw JSONSchemaCompileError(location: location.pointer, message: "a schema must be an object or a boolean")
        }
    }

    /// The node index of the subschema at `path` below `location`.
    mutating func subschema(_ location: SchemaLocation, _ info: LocationInfo, _ path: String...) throws -> Int {
        var child = location
        var value = info.value
        for token in path {
            child = child.appending(token)
            guard let next = JSONPointer.evaluate("/" + JSONPointer.escape(token), in: value) else {
                throw JSONSchemaCompileError(location: child.pointer, message: "missing subschema")
            }
            value = next
        }
        if index.info[child] == nil {
            index.info[child] = LocationInfo(value: value, base: info.base, resource: info.resource,
                                             vocabularies: info.vocabularies)
        }
        return nodeID(for: child)
    }

    private mutating func addDocument(_ value: JSONValue, uri: String) throws -> SchemaLocation {
        loaded.insert(uri)
        let registry = self.registry
        return try index.addDocument(value, uri: uri) { metaschema in
            if let legacy = Vocabularies.legacy(metaschema) { return legacy }
            let target = URIReference(parsing: metaschema).withoutFragment.string
            guard let document = registry.document(for: target) else { return .standard }
            return try Vocabularies.declared(by: document, uri: target)
        }
    }

    /// Resolves the reference `ref` (relative to `base`) to a schema location, loading documents as needed.
    mutating func resolveReference(_ ref: String, base: String) throws -> SchemaLocation {
        let uri = URIReference.resolve(ref, against: base)
        let document = uri.withoutFragment.string
        let fragment = uri.decodedFragment
        let key = SchemaIndex.key(document, fragment)
        if let location = index.uris[key] { return location }
        if index.uris[document] == nil, !loaded.contains(document), let value = registry.document(for: document) {
            _ = try addDocument(value, uri: document)
            if let location = index.uris[key] { return location }
        }
        guard fragment.hasPrefix("/"), let root = index.uris[document], let rootInfo = index.info[root],
              let value = JSONPointer.evaluate(fragment, in: rootInfo.value) else {
            throw JSONSchemaCompileError(location: uri.string, message: "cannot resolve reference '\(ref)'")
        }
        let location = SchemaLocation(document: root.document, pointer: root.pointer + fragment)
        if index.info[location] == nil {
            index.info[location] = LocationInfo(value: value, base: rootInfo.base, resource: rootInfo.resource,
                                                vocabularies: rootInfo.vocabularies)
        }
        return location
    }
}
