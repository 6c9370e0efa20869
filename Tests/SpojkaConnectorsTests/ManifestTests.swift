import Foundation
import SpojkaConnectorKit
@testable import SpojkaConnectors
import SpojkaCore
import Testing

@Suite("Shipped manifests")
struct ManifestTests {
    @Test func everyShippedManifestIsValid() throws {
        let directory = try #require(BuiltinConnectors.manifestsDirectory)
        let catalog = try Catalog.load(directory: directory, implementations: BuiltinConnectors.implementationNames)
        #expect(catalog.connectors.count >= 11)
        for (key, manifest) in catalog.connectors {
            #expect(catalog.icons[key]?.contains("<svg") == true, "\(key) has no icon")
            for tool in manifest.tools {
                let input = try JSONSchema(tool.inputSchema)
                _ = try JSONSchema(tool.outputSchema)
                for example in tool.examples ?? [] { #expect(input.isValid(example), "\(key).\(tool.name) example") }
            }
        }
        print("Shipped connectors: \(catalog.connectors.count), tools: \(catalog.connectors.values.map(\.tools.count).reduce(0, +))")
    }

    @Test func aBrokenManifestNamesFilePathAndRule() throws {
        let text = #"{"key":"Bad","name":"x","category":"Utilities","description":"d","version":"1.0.0","auth":{"type":"none"},"tools":[{"name":"do_it","title":"t","description":"d","inputSchema":{"type":"object","minLength":-1},"outputSchema":{},"implementation":"bad.do_it","examples":[{"a":1}]}]}"#
        let (_, schemaIssues) = ManifestValidator.validate(data: Data(text.utf8), file: "bad/manifest.json")
        #expect(schemaIssues.contains { $0.path == "/key" && $0.rule == "pattern" && $0.file == "bad/manifest.json" })
        let fixed = text.replacingOccurrences(of: #""key":"Bad""#, with: #""key":"bad""#)
        let (_, issues) = ManifestValidator.validate(data: Data(fixed.utf8), file: "bad/manifest.json", implementations: [])
        #expect(issues.contains { $0.path == "/tools/0/inputSchema" && $0.rule == "schema" })
        #expect(issues.contains { $0.path == "/tools/0/implementation" && $0.rule == "implementation" })
    }

    @Test func theManifestSchemaCompiles() throws {
        guard case .success = ManifestSchema.compiled else { Issue.record("the manifest schema does not compile"); return }
    }
}
