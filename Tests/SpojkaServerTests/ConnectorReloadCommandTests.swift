import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SpojkaCore
import SpojkaTestSupport
import Testing

/// `spojka serve` with `SPOJKA_CONNECTORS_DIR`, reloaded by `spojka connectors reload` (SIGHUP) without a restart.
@Suite("spojka connectors reload")
struct ConnectorReloadCommandTests {
    static func manifest(key: String, version: String) -> String {
        #"""
        {"key": "\#(key)", "name": "Acme CRM", "category": "Productivity", "description": "The company's own CRM.", "version": "\#(version)",
         "serviceUrl": "https://crm.acme.example",
         "auth": {"type": "api_key", "fields": {"type": "object", "required": ["apiKey"], "properties": {"apiKey": {"type": "string", "writeOnly": true}}},
                  "apply": [{"in": "header", "name": "Authorization", "value": "Bearer {{ credentials.apiKey }}"}]},
         "tools": [{"name": "get_contact", "title": "Get contact", "description": "Reads a contact.", "inputSchema": {"type": "object"},
                    "outputSchema": {"type": "object"}, "request": {"method": "GET", "path": "/contacts"}}]}
        """#
    }

    func write(_ folder: String, _ key: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: folder + "/" + key, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + key + "/manifest.json"))
    }

    func json(_ url: String, method: String = "GET", token: String? = nil, body: String? = nil) async throws -> JSONValue {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONValue(parsingText: String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: ServeCommandTests.binary)))
    func reloadPicksUpANewVersionAndNamesARefusedManifestWithoutARestart() async throws {
        let runner = ServeCommandTests()
        let data = try TestDatabase.temporaryDirectory(), folder = try TestDatabase.temporaryDirectory()
        try write(folder, "acme-crm", Self.manifest(key: "acme-crm", version: "1.0.0"))
        let env = ["SPOJKA_CONNECTORS_DIR": folder]
        let (server, out, err) = try runner.launch(["serve", "--port", "0", "--data", data], environment: env)
        defer { server.terminate(); server.waitUntilExit() }
        let url = try #require(try await runner.waitForLine(out, containing: "listening on").split(separator: " ").last.map(String.init))
        let setup = try await json(url + "/api/v1/setup", method: "POST", body: #"{"email":"o@example.com","name":"O","workspace":"Acme","password":"owner passphrase 1"}"#)
        let token = try #require(setup["token"]?.stringValue)
        #expect(try await json(url + "/api/v1/connectors/acme-crm", token: token)["version"] == "1.0.0")

        try write(folder, "acme-crm", Self.manifest(key: "acme-crm", version: "1.1.0"))
        try write(folder, "ledger", Self.manifest(key: "ledger", version: "one"))
        let (reload, reloadOut, _) = try runner.launch(["connectors", "reload", "--data", data], environment: env)
        reload.waitUntilExit()
        let said = String(decoding: reloadOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(reload.terminationStatus == 1, "a refused manifest: \(said)")
        #expect(said.contains("refused: ledger/manifest.json: /version: [pattern]") && said.contains("Sent SIGHUP to process \(server.processIdentifier)"))

        let logged = try await runner.waitForLine(err, containing: "connector catalog reloaded")
        #expect(logged.contains("acme-crm"))
        #expect(try await json(url + "/api/v1/connectors/acme-crm", token: token)["version"] == "1.1.0", "the same process serves the new version")
        let ready = try await json(url + "/readyz")
        #expect(ready["connectors"]?["refused"]?[0]?["file"] == "ledger/manifest.json" && ready["connectors"]?["refused"]?[0]?["path"] == "/version")
    }
}
