import Foundation
import SpojkaCore

/// A schema location: a document and a JSON Pointer from its root.
struct SchemaLocation: Hashable, Sendable {
    let document: Int
    let pointer: String

    /// The location of `token` below this one.
    func appending(_ token: String) -> SchemaLocation {
        SchemaLocation(document: document, pointer: JSONPointer.append(pointer, token))
    }
}

/// What the indexer learned about one schema location.
struct LocationInfo: Sendable {
    let value: JSONValue
    /// The base URI in effect inside this schema object (after its own `$id`).
    let base: String
    /// The schema resource the location belongs to.
    let resource: Int
    let vocabularies: Vocabularies
}

/// Identifiers found in the loaded documents: `$id`, `$anchor`, `$dynamicAnchor` and pointer URIs.
struct SchemaIndex {
    private(set) var documentCount = 0
    var info: [SchemaLocation: LocationInfo] = [:]
    /// Absolute URI (fragment percent-decoded; none for a resource root) → location.
    var uris: [String: SchemaLocation] = [:]
    private(set) var resourceIDs: [String: Int] = [:]
    /// Per resource: `$dynamicAnchor` name → location.
    private(set) var dynamicAnchors: [Int: [String: SchemaLocation]] = [:]

    private struct Scope {
        var base: String
        var resource: Int
        var roots: [(base: String, pointer: String)]
        var vocabularies: Vocabularies
    }

    /// The lookup key for `fragment` within the resource `base`.
    static func key(_ base: String, _ fragment: String) -> String {
        fragment.isEmpty ? base : base + "#" + fragment
    }

    /// The index of the resource `uri`, allocating one if new.
    mutating func resourceID(_ uri: String) -> Int {
        if let id = resourceIDs[uri] { return id }
        let id = resourceIDs.count
        resourceIDs[uri] = id
        return id
    }

    /// Indexes a whole document retrieved from `uri`; `vocabularies` maps a `$schema` URI to its vocabularies.
    mutating func addDocument(_ value: JSONValue, uri: String,
                              vocabularies: (String) throws -> Vocabularies) throws -> SchemaLocation {
        let root = SchemaLocation(document: documentCount, pointer: "")
        documentCount += 1
        let scope = Scope(base: uri, resource: resourceID(uri), roots: [(uri, "")], vocabularies: .standard)
        try walk(value, at: root, scope: scope, vocabularies: vocabularies)
        return root
    }

    private mutating func walk(_ value: JSONValue, at location: SchemaLocation, scope: Scope,
                               vocabularies: (String) throws -> Vocabularies) throws {
        var scope = scope
        if case .object(let members) = value {
            try enterIdentifiers(members, at: location, scope: &scope, vocabularies: vocabularies)
        }
        info[location] = LocationInfo(value: value, base: scope.base, resource: scope.resource,
                                      vocabularies: scope.vocabularies)
        for root in scope.roots {
            let key = Self.key(root.base, String(location.pointer.dropFirst(root.pointer.count)))
            if uris[key] == nil { uris[key] = location }
        }
        guard case .object(let members) = value else { return }
        for (keyword, child) in members {
            for (path, subschema) in Self.subschemas(of: keyword, child) {
                let childLocation = path.reduce(location) { $0.appending($1) }
                try walk(subschema, at: childLocation, scope: scope, vocabularies: vocabularies)
            }
        }
    }

    private mutating func enterIdentifiers(_ members: [String: JSONValue], at location: SchemaLocation,
                                           scope: inout Scope,
                                           vocabularies: (String) throws -> Vocabularies) throws {
        var isResourceRoot = location.pointer.isEmpty
        if let id = members["$id"]?.stringValue {
            let resolved = URIReference.resolve(id, against: scope.base)
            if resolved.fragment?.isEmpty ?? true {
                let base = resolved.withoutFragment.string
                scope.base = base
                scope.resource = resourceID(base)
                scope.roots.append((base, location.pointer))
                uris[base] = location
                isResourceRoot = true
            }
        }
        if isResourceRoot, let metaschema = members["$schema"]?.stringValue {
            scope.vocabularies = try vocabularies(metaschema)
        }
        if let anchor = members["$anchor"]?.stringValue {
            uris[Self.key(scope.base, anchor)] = location
        }
        if let anchor = members["$dynamicAnchor"]?.stringValue {
            uris[Self.key(scope.base, anchor)] = location
            dynamicAnchors[scope.resource, default: [:]][anchor] = location
        }
    }

    /// The subschemas held by `keyword`, each with its path below the keyword's parent.
    static func subschemas(of keyword: String, _ value: JSONValue) -> [([String], JSONValue)] {
        switch keyword {
        case "additionalProperties", "contains", "propertyNames", "if", "then", "else", "not",
             "unevaluatedItems", "unevaluatedProperties", "contentSchema":
            return [([keyword], value)]
        case "items":
            if case .array(let list) = value {
                return list.enumerated().map { ([keyword, String($0.offset)], $0.element) }
            }
            return [([keyword], value)]
        case "prefixItems", "allOf", "anyOf", "oneOf":
            guard case .array(let list) = value else { return [] }
            return list.enumerated().map { ([keyword, String($0.offset)], $0.element) }
        case "dependencies":
            guard case .object(let members) = value else { return [] }
            return members.filter { $0.value.arrayValue == nil }.map { ([keyword, $0.key], $0.value) }
        case "$defs", "properties", "patternProperties", "dependentSchemas":
            guard case .object(let members) = value else { return [] }
            return members.map { ([keyword, $0.key], $0.value) }
        default:
            return []
        }
    }
}
