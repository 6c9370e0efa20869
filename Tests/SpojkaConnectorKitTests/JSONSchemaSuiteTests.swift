import Foundation
import SpojkaCore
import Testing
@testable import SpojkaConnectorKit

/// Runs the official JSON-Schema-Test-Suite (draft 2020-12) plus focused API checks.
struct JSONSchemaSuiteTests {
    private struct SuiteCase: Decodable {
        let description: String
        let schema: JSONValue
        let tests: [SuiteTest]
    }

    private struct SuiteTest: Decodable {
        let description: String
        let data: JSONValue
        let valid: Bool
    }

    private struct Tally {
        var passed = 0
        var failures: [String] = []
    }

    /// `../shared/testsuites/json-schema` next to the repository root.
    private static var suiteRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/testsuites/json-schema").standardized
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ url: URL) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url))
    }

    private static func jsonFiles(in directory: URL, recursive: Bool) -> [URL] {
        let manager = FileManager.default
        if !recursive {
            let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
        }
        let paths = manager.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        return paths.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Every file under `remotes/`, served as `http://localhost:1234/<relative path>`.
    private static func remotesRegistry() throws -> JSONSchemaRegistry {
        var registry = JSONSchemaRegistry()
        let remotes = suiteRoot.appendingPathComponent("remotes")
        let paths = FileManager.default.enumerator(atPath: remotes.path)?.compactMap { $0 as? String } ?? []
        for path in paths where path.hasSuffix(".json") {
            let document = try decode(JSONValue.self, remotes.appendingPathComponent(path))
            registry.register(document, as: "http://localhost:1234/" + path)
        }
        return registry
    }

    private static func run(_ file: URL, registry: JSONSchemaRegistry, assertFormats: Bool, into tally: inout Tally) {
        guard let cases = try? decode([SuiteCase].self, file) else {
            tally.failures.append("\(file.lastPathComponent): unreadable")
            return
        }
        for suiteCase in cases {
            let prefix = "\(file.lastPathComponent) / \(suiteCase.description)"
            let schema: JSONSchema
            do {
                schema = try JSONSchema(suiteCase.schema, registry: registry, assertFormats: assertFormats)
            } catch {
                tally.failures += suiteCase.tests.map { "\(prefix) / \($0.description): compile error \(error)" }
                continue
            }
            for test in suiteCase.tests {
                let errors = schema.validate(test.data)
                if schema.isValid(test.data) == test.valid && errors.isEmpty == test.valid {
                    tally.passed += 1
                } else {
                    tally.failures.append("\(prefix) / \(test.description): expected valid=\(test.valid)")
                }
            }
        }
    }

    @Test func officialSuite() throws {
        let tests = Self.suiteRoot.appendingPathComponent("tests/draft2020-12")
        try #require(FileManager.default.fileExists(atPath: tests.path), "suite not found at \(tests.path)")
        let registry = try Self.remotesRegistry()
        var required = Tally()
        for file in Self.jsonFiles(in: tests, recursive: false) {
            Self.run(file, registry: registry, assertFormats: false, into: &required)
        }
        var optional = Tally()
        let optionalRoot = tests.appendingPathComponent("optional")
        for file in Self.jsonFiles(in: optionalRoot, recursive: true) {
            let isFormat = file.deletingLastPathComponent().lastPathComponent == "format"
            Self.run(file, registry: registry, assertFormats: isFormat, into: &optional)
        }
        print("JSON Schema 2020-12: \(required.passed) passed, \(required.failures.count) failed (required); "
              + "optional: \(optional.passed) passed, \(optional.failures.count) failed")
        if ProcessInfo.processInfo.environment["JSONSCHEMA_VERBOSE"] != nil {
            optional.failures.forEach { print("optional failure: \($0)") }
        }
        let failedRequired = required.failures.count
        #expect(failedRequired == 0, "failing cases:\n\(required.failures.joined(separator: "\n"))")
    }

    private static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func errorCarriesInstancePathAndKeyword() throws {
        let schema = try JSONSchema(Self.json(#"{"type":"object","properties":{"a":{"type":"integer"}}}"#))
        let errors = schema.validate(try Self.json(#"{"a":"x"}"#))
        #expect(errors.count == 1)
        #expect(errors.first?.instancePath == "/a")
        #expect(errors.first?.keyword == "type")
        #expect(errors.first?.schemaPath == "/properties/a/type")
        #expect(schema.isValid(try Self.json(#"{"a":1}"#)))
    }

    @Test func requiredNamesTheMissingProperty() throws {
        let schema = try JSONSchema(Self.json(#"{"required":["name"],"properties":{"items":{"items":{"required":["id"]}}}}"#))
        let errors = schema.validate(try Self.json(#"{"items":[{"id":1},{}]}"#))
        #expect(errors.count == 2)
        let root = errors.first { $0.instancePath.isEmpty }
        #expect(root?.keyword == "required")
        #expect(root?.message.contains("'name'") == true)
        #expect(errors.contains { $0.instancePath == "/items/1" && $0.message.contains("'id'") })
    }

    @Test func cacheReturnsSameInstanceForEqualSchema() throws {
        let cache = JSONSchemaCache()
        let first = try cache.schema(for: Self.json(#"{"type":"string","minLength":1}"#))
        let second = try cache.schema(for: Self.json(#"{"minLength":1.0,"type":"string"}"#))
        #expect(first === second)
        #expect(cache.count == 1)
        #expect(!second.isValid(.string("")))
    }

    @Test func invalidSchemaThrows() throws {
        #expect(throws: JSONSchemaCompileError.self) { try JSONSchema(Self.json(#"{"minLength":-1}"#)) }
        #expect(throws: JSONSchemaCompileError.self) { try JSONSchema(Self.json(##"{"$ref":"#/$defs/missing"}"##)) }
    }

    @Test func endlessReferenceLoopIsReportedNotFatal() throws {
        let schema = try JSONSchema(Self.json(##"{"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}"##))
        let errors = schema.validate(.int(1))
        #expect(!errors.isEmpty)
        #expect(errors.first?.message.contains("depth") == true)
        #expect(!schema.isValid(.int(1)))
    }

    @Test func concurrentValidationSharesOneCompiledSchema() async throws {
        let schema = try JSONSchema(Self.json(#"{"type":"array","items":{"type":"integer","minimum":0}}"#))
        let results = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<16 { group.addTask { schema.isValid(.array([.int(n), .int(n % 2 == 0 ? 1 : -1)])) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 8)
    }

    @Test func formatsAreAnnotationsUnlessAsserted() throws {
        let schema = try Self.json(#"{"format":"email"}"#)
        #expect(try JSONSchema(schema).isValid(.string("not an email")))
        let asserting = try JSONSchema(schema, assertFormats: true)
        #expect(!asserting.isValid(.string("not an email")))
        #expect(asserting.isValid(.string("joe@example.com")))
        #expect(asserting.validate(.string("x")).first?.keyword == "format")
    }
}
