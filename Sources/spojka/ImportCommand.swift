import ArgumentParser
import Foundation
import SpojkaOpenAPIImport

/// `spojka connectors import`: writes a connector manifest from an OpenAPI 3.0 or 3.1 document.
struct ImportConnector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write a connector manifest from an OpenAPI 3.0 or 3.1 document (YAML or JSON).",
        discussion: "One tool per operation; what cannot be mapped is listed, one line each. The manifest is written to OUT/KEY/manifest.json.")
    @Argument(help: "The OpenAPI document (.yaml, .yml or .json).") var file: String
    @Option(help: "Connector key, kebab-case (e.g. acme-billing).") var key: String
    @Option(help: "Display name (default: the document's title).") var name: String?
    @Option(help: "Catalog category (default: Developer).") var category: String?
    @Option(help: "Folder to write KEY/manifest.json into (default: the current folder).") var out: String = "."

    func run() async throws {
        do {
            let options = OpenAPIImporter.Options(key: key, name: name, category: category)
            let (result, target) = try OpenAPIImporter.importFile(file, options: options, into: out)
            if !result.report.isEmpty { say("Not mapped or changed:") }
            for line in result.report { say("  - \(line)") }
            say("Wrote \(target.path): \(result.toolCount) tool(s), \(result.report.count) note(s).")
            say("Check it with: spojka connectors validate \(target.path)")
        } catch let error as OpenAPIImportError {
            FileHandle.standardError.write(Data("spojka: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
