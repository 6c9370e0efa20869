import Foundation
import SpojkaCore

/// One keyword being compiled, with the schema object around it.
struct KeywordSite {
    let name: String
    let value: JSONValue
    let members: [String: JSONValue]
    let location: SchemaLocation
    let info: LocationInfo

    /// A compile error pointing at this keyword.
    func invalid(_ message: String) -> JSONSchemaCompileError {
        JSONSchemaCompileError(location: JSONPointer.append(location.pointer, name), message: message)
    }

    /// The value as a non-negative integer (`2.0` allowed).
    func count() throws -> Int {
        switch value {
        case .int(let i) where i >= 0: return i
        case .double(let d) where d >= 0 && d.rounded() == d && d < 9e18: return Int(d)
        default: throw invalid("must be a non-negative integer")
        }
    }

    /// The value as an array of strings.
    func strings(_ value: JSONValue? = nil) throws -> [String] {
        guard let list = (value ?? self.value).arrayValue else { throw invalid("must be an array of strings") }
        return try list.map { item in
            guard let text = item.stringValue else { throw invalid("must be an array of strings") }
            return text
        }
    }
}

extension SchemaCompiler {
    /// Compiles the active keywords of a schema object; `unevaluated*` come last.
    mutating func compileKeywords(_ members: [String: JSONValue], at location: SchemaLocation,
                                  info: LocationInfo) throws -> [CompiledKeyword] {
        var early: [CompiledKeyword] = []
        var late: [CompiledKeyword] = []
        for name in members.keys.sorted() where info.vocabularies.enables(name) {
            guard let value = members[name] else { continue }
            let site = KeywordSite(name: name, value: value, members: members, location: location, info: info)
            guard let kind = try compileKeyword(site) else { continue }
            let keyword = CompiledKeyword(name: name, kind: kind)
            if name.hasPrefix("unevaluated") { late.append(keyword) } else { early.append(keyword) }
        }
        return early + late
    }

    private mutating func compileKeyword(_ site: KeywordSite) throws -> KeywordKind? {
        switch Vocabularies.owner(of: site.name) {
        case .some(.applicator), .some(.unevaluated): return try compileApplicator(site)
        case .some(.validation): return try compileValidation(site)
        case .some(.formatAnnotation): return try compileFormat(site)
        default: return try compileCore(site)
        }
    }

    private mutating func compileCore(_ site: KeywordSite) throws -> KeywordKind? {
        switch site.name {
        case "$ref":
            guard let ref = site.value.stringValue else { throw site.invalid("must be a string") }
            return .ref(nodeID(for: try resolveReference(ref, base: site.info.base)))
        case "$dynamicRef":
            guard let ref = site.value.stringValue else { throw site.invalid("must be a string") }
            let target = try resolveReference(ref, base: site.info.base)
            let anchor = URIReference(parsing: ref).decodedFragment
            let bookended = index.info[target]?.value["$dynamicAnchor"]?.stringValue == anchor
            let id = nodeID(for: target)
            return bookended && !anchor.isEmpty ? .dynamicRef(fallback: id, anchor: anchor) : .ref(id)
        case "dependencies":
            return try compileDependencies(site)
        default:
            return nil
        }
    }

    private mutating func compileDependencies(_ site: KeywordSite) throws -> KeywordKind {
        guard let members = site.value.objectValue else { throw site.invalid("must be an object") }
        var required: [String: [String]] = [:]
        var schemas: [String: Int] = [:]
        for (name, value) in members {
            if value.arrayValue != nil {
                required[name] = try site.strings(value)
            } else {
                schemas[name] = try subschema(site.location, site.info, site.name, name)
            }
        }
        return .dependencies(required: required, schemas: schemas)
    }

    private mutating func compileFormat(_ site: KeywordSite) throws -> KeywordKind? {
        guard let name = site.value.stringValue else { throw site.invalid("must be a string") }
        let asserted = assertFormats || site.info.vocabularies.contains(.formatAssertion)
        return asserted ? .format(name) : nil
    }

    private mutating func schemaList(_ site: KeywordSite) throws -> [Int] {
        guard let list = site.value.arrayValue, !list.isEmpty else { throw site.invalid("must be a non-empty array") }
        return try list.indices.map { try subschema(site.location, site.info, site.name, String($0)) }
    }

    private mutating func schemaMap(_ site: KeywordSite) throws -> [String: Int] {
        guard let members = site.value.objectValue else { throw site.invalid("must be an object") }
        var result: [String: Int] = [:]
        for key in members.keys { result[key] = try subschema(site.location, site.info, site.name, key) }
        return result
    }

    private func patterns(_ site: KeywordSite, _ value: JSONValue?) throws -> [String: ECMARegex] {
        guard let value, site.info.vocabularies.contains(.applicator) else { return [:] }
        guard let members = value.objectValue else { throw site.invalid("patternProperties must be an object") }
        var result: [String: ECMARegex] = [:]
        for key in members.keys {
            do { result[key] = try ECMARegex(key) } catch { throw site.invalid("invalid regular expression '\(key)'") }
        }
        return result
    }

    private mutating func compileApplicator(_ site: KeywordSite) throws -> KeywordKind? {
        let single = { (compiler: inout SchemaCompiler) in try compiler.subschema(site.location, site.info, site.name) }
        switch site.name {
        case "allOf": return .allOf(try schemaList(site))
        case "anyOf": return .anyOf(try schemaList(site))
        case "oneOf": return .oneOf(try schemaList(site))
        case "prefixItems": return .prefixItems(try schemaList(site))
        case "not": return .not(try single(&self))
        case "propertyNames": return .propertyNames(try single(&self))
        case "unevaluatedItems": return .unevaluatedItems(try single(&self))
        case "unevaluatedProperties": return .unevaluatedProperties(try single(&self))
        case "dependentSchemas": return .dependentSchemas(try schemaMap(site))
        case "properties": return .properties(try schemaMap(site))
        case "if": return try compileConditional(site)
        case "items":
            if site.value.arrayValue != nil { return .prefixItems(try schemaList(site)) }
            let prefix = site.members["prefixItems"]?.arrayValue?.count ?? 0
            return .items(try single(&self), prefix: prefix)
        case "contains": return try compileContains(site)
        case "patternProperties":
            let regexes = try patterns(site, site.value)
            return .patternProperties(try regexes.sorted { $0.key < $1.key }.map { key, regex in
                (regex, try subschema(site.location, site.info, site.name, key))
            })
        case "additionalProperties":
            let known = Set((site.members["properties"]?.objectValue ?? [:]).keys)
            let regexes = try patterns(site, site.members["patternProperties"])
            return .additionalProperties(try single(&self), known: known, patterns: Array(regexes.values))
        default:
            return nil
        }
    }

    private mutating func compileConditional(_ site: KeywordSite) throws -> KeywordKind {
        let condition = try subschema(site.location, site.info, "if")
        let then = site.members["then"] == nil ? nil : try subschema(site.location, site.info, "then")
        let otherwise = site.members["else"] == nil ? nil : try subschema(site.location, site.info, "else")
        return .conditional(if: condition, then: then, else: otherwise)
    }

    private mutating func compileContains(_ site: KeywordSite) throws -> KeywordKind {
        let id = try subschema(site.location, site.info, "contains")
        guard site.info.vocabularies.contains(.validation) else { return .contains(id, min: nil, max: nil) }
        let bound = { (name: String) throws -> Int? in
            guard let value = site.members[name] else { return nil }
            return try KeywordSite(name: name, value: value, members: site.members,
                                   location: site.location, info: site.info).count()
        }
        return .contains(id, min: try bound("minContains"), max: try bound("maxContains"))
    }
}
