import Foundation
import Testing

/// `spojka connectors import` and `spojka connectors validate` as an operator runs them.
@Suite("spojka connectors import command")
struct ConnectorsImportCommandTests {
    static let suite = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/testsuites/openapi").standardized.path

    func spojka(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServeCommandTests.binary)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: ServeCommandTests.binary)))
    func importsReportsWhatItSkippedAndTheResultValidates() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("import-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (status, text) = try spojka(["connectors", "import", Self.suite + "/oai-examples/v3.0-callback-example.yaml",
                                         "--key", "callbacks", "--name", "Callback Example", "--category", "Developer", "--out", out])
        #expect(status == 0, "\(text)")
        #expect(text == """
            Not mapped or changed:
              - no servers: each connection gives the service URL
              - skipped callbacks onData of POST /streams (tool post_streams): callbacks are inbound requests
            Wrote \(out)/callbacks/manifest.json: 1 tool(s), 2 note(s).
            Check it with: spojka connectors validate \(out)/callbacks/manifest.json

            """)
        let (valid, validText) = try spojka(["connectors", "validate", out + "/callbacks"])
        #expect(valid == 0 && validText == "All manifests are valid.\n")

        let (refused, refusedText) = try spojka(["connectors", "import", Self.suite + "/oai-examples/v3.1-webhook-example.yaml",
                                                 "--key", "webhooks", "--out", out])
        #expect(refused == 1 && refusedText.contains("the document has no operation that can become a tool"))
        #expect(!FileManager.default.fileExists(atPath: out + "/webhooks"))
        let (badKey, badKeyText) = try spojka(["connectors", "import", Self.suite + "/oai-examples/v3.0-petstore.yaml", "--key", "Pet Store"])
        #expect(badKey == 1 && badKeyText.contains("is not kebab-case"))
    }
}
