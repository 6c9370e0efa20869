import Foundation
import Testing
import SpojkaConnectorKit
import SpojkaCore
@testable import SpojkaConnectors

/// Loads shipped manifests and runs utility tools the way the runtime does (schemas checked both ways).
enum UtilityHarness {
    static let utilityKeys = ["json", "text", "regex", "math", "datetime", "csv", "encoding", "identifiers", "array", "validation"]

    static func loadManifests() throws -> [ConnectorManifest] {
        let directory = try #require(BuiltinConnectors.manifestsDirectory)
        let keys = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try keys.compactMap { key -> ConnectorManifest? in
            let file = directory.appendingPathComponent(key).appendingPathComponent("manifest.json")
            guard FileManager.default.fileExists(atPath: file.path) else { return nil }
            return try JSONDecoder().decode(ConnectorManifest.self, from: Data(contentsOf: file))
        }
    }

    static func locate(_ implementation: String) throws -> (ConnectorManifest, ToolSpec) {
        let parts = implementation.split(separator: ".").map(String.init)
        let directory = try #require(BuiltinConnectors.manifestsDirectory)
        let file = directory.appendingPathComponent(parts[0]).appendingPathComponent("manifest.json")
        let manifest = try JSONDecoder().decode(ConnectorManifest.self, from: Data(contentsOf: file))
        return (manifest, try #require(manifest.tool(parts[1])))
    }

    /// Runs `implementation` with `arguments` (which must satisfy the input schema) and checks the output schema.
    static func call(_ implementation: String, _ arguments: JSONValue) async throws -> JSONValue {
        let (manifest, tool) = try locate(implementation)
        let inputErrors = try JSONSchema(tool.inputSchema).validate(arguments)
        #expect(inputErrors.isEmpty, "arguments of \(implementation) break its inputSchema: \(inputErrors)")
        let impl = try #require(BuiltinConnectors.implementations[implementation])
        let output = try await impl.call(ToolInvocation(connector: manifest, tool: tool, arguments: arguments))
        let outputErrors = try JSONSchema(tool.outputSchema).validate(output)
        #expect(outputErrors.isEmpty, "output of \(implementation) breaks its outputSchema: \(outputErrors)")
        return output
    }

    /// The `ToolError` message thrown by `implementation`, or `nil` when it did not throw one.
    static func failure(_ implementation: String, _ arguments: JSONValue) async -> String? {
        do {
            _ = try await call(implementation, arguments)
            return nil
        } catch let error as ToolError {
            #expect(error.code == .toolError)
            return error.message
        } catch {
            return nil
        }
    }
}

@Suite("Utility connector manifests")
struct UtilityManifestTests {
    @Test func everyUtilityConnectorShips() throws {
        let manifests = try UtilityHarness.loadManifests()
        let keys = Set(manifests.map(\.key))
        for key in UtilityHarness.utilityKeys {
            #expect(keys.contains(key), "missing manifest \(key)")
        }
        let directory = try #require(BuiltinConnectors.manifestsDirectory)
        for key in UtilityHarness.utilityKeys {
            let icon = try String(contentsOf: directory.appendingPathComponent(key).appendingPathComponent("icon.svg"), encoding: .utf8)
            #expect(icon.hasPrefix("<svg") && icon.contains("viewBox=\"0 0 24 24\"") && icon.contains("</svg>"))
        }
    }

    @Test func utilityManifestsAreWellFormed() throws {
        let manifests = try UtilityHarness.loadManifests().filter { UtilityHarness.utilityKeys.contains($0.key) }
        #expect(manifests.count == UtilityHarness.utilityKeys.count)
        for manifest in manifests {
            #expect(manifest.isUtility && manifest.version == "1.0.0", "\(manifest.key)")
            #expect(!manifest.tools.isEmpty)
            #expect(Set(manifest.tools.map(\.name)).count == manifest.tools.count, "duplicate tool names in \(manifest.key)")
            for tool in manifest.tools {
                let id = "\(manifest.key).\(tool.name)"
                #expect(tool.name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil, "\(id) not snake_case")
                #expect(tool.implementation == id)
                #expect(tool.inputSchema["additionalProperties"] == false, "\(id) input allows extra properties")
                #expect(tool.inputSchema["type"] == "object" && tool.outputSchema["type"] == "object", "\(id)")
                let annotations = try #require(tool.annotations)
                #expect(annotations.readOnlyHint == true && annotations.destructiveHint == false && annotations.openWorldHint == false)
                #expect(annotations.idempotentHint == !["now", "uuid_v4", "uuid_v7", "ulid"].contains(tool.name), "\(id)")
                #expect((tool.examples ?? []).count >= 1, "\(id) has no example")
            }
        }
    }

    @Test func schemasCompileAndExamplesValidate() throws {
        for manifest in try UtilityHarness.loadManifests() {
            for tool in manifest.tools {
                let input = try JSONSchema(tool.inputSchema)
                _ = try JSONSchema(tool.outputSchema)
                for example in tool.examples ?? [] {
                    let errors = input.validate(example)
                    #expect(errors.isEmpty, "\(manifest.key).\(tool.name) example \(example): \(errors)")
                }
            }
        }
    }

    @Test func everyCodeToolHasAnImplementation() throws {
        let implementations = BuiltinConnectors.implementations(destinations: NoDestinations(), transport: NoTransport())
        var named: Set<String> = []
        for manifest in try UtilityHarness.loadManifests() {
            for tool in manifest.tools {
                guard let name = tool.implementation else { continue }
                named.insert(name)
                #expect(implementations[name] != nil, "no implementation registered for \(name)")
            }
        }
        let utilityImplementations = implementations.keys.filter { UtilityHarness.utilityKeys.contains(String($0.split(separator: ".")[0])) }
        for name in utilityImplementations { #expect(named.contains(name), "implementation \(name) has no manifest tool") }
    }

    @Test func everyExampleRunsAndMatchesItsOutputSchema() async throws {
        var runs = 0
        for manifest in try UtilityHarness.loadManifests() where UtilityHarness.utilityKeys.contains(manifest.key) {
            for tool in manifest.tools {
                let implementation = try #require(BuiltinConnectors.implementations[tool.implementation ?? ""])
                let output = try JSONSchema(tool.outputSchema)
                for example in tool.examples ?? [] {
                    let result = try await implementation.call(ToolInvocation(connector: manifest, tool: tool, arguments: example))
                    let errors = output.validate(result)
                    #expect(errors.isEmpty, "\(manifest.key).\(tool.name) output \(result): \(errors)")
                    runs += 1
                }
            }
        }
        #expect(runs >= 47)
    }

    /// Hostile but schema-valid arguments must yield a schema-valid output or a `ToolError`, never a crash.
    @Test func hostileArgumentsNeverCrash() async throws {
        let hostile: [JSONValue] = ["", " ", "\u{0}", "👩‍👩‍👧é\r\n", "-1", "((((", "%", "$9", 0, -1, .int(Int.max), .int(Int.min),
                                    .double(1e308), .double(-0.5), [], [:], nil, true, [nil, [1, [2]], ["a": 1]]]
        var runs = 0
        for manifest in try UtilityHarness.loadManifests() where UtilityHarness.utilityKeys.contains(manifest.key) {
            for tool in manifest.tools {
                let implementation = try #require(BuiltinConnectors.implementations[tool.implementation ?? ""])
                let (input, output) = (try JSONSchema(tool.inputSchema), try JSONSchema(tool.outputSchema))
                for example in tool.examples ?? [] {
                    for key in (example.objectValue ?? [:]).keys {
                        for value in hostile {
                            var arguments = example.objectValue ?? [:]
                            arguments[key] = value
                            guard input.isValid(.object(arguments)) else { continue }
                            runs += 1
                            do {
                                let result = try await implementation.call(ToolInvocation(connector: manifest, tool: tool, arguments: .object(arguments)))
                                #expect(output.isValid(result), "\(manifest.key).\(tool.name) \(arguments) → \(result)")
                            } catch is ToolError {
                                continue
                            }
                        }
                    }
                }
            }
        }
        #expect(runs > 100)
    }
}

/// A destination policy that refuses everything (code-tool registration checks never connect).
struct NoDestinations: DestinationPolicy {
    func check(host: String) async throws { throw ToolError(.blockedDestination, "no destinations in this test") }
}

/// Sends nothing (remote MCP tools are registered, never called, in these tests).
struct NoTransport: HTTPTransport {
    func send(_ request: OutboundRequest, timeout: Duration) async throws -> OutboundResponse {
        throw TransportError(.blocked, "no destinations in this test")
    }
}
