import Foundation
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOpenAPIImport
import SpojkaTestSupport
import Testing

/// `spojka connectors import` on the real documents in `../shared/testsuites/openapi` (the OpenAPI
/// Initiative's examples and Resend's published API).
@Suite("OpenAPI import")
struct OpenAPIImportTests {
    /// `../shared/testsuites/openapi` next to the repository root.
    static var suiteRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/testsuites/openapi").standardized
    }

    static func documents() -> [URL] {
        let found = FileManager.default.enumerator(at: suiteRoot, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return found.filter { ["yaml", "yml", "json"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Imports one document from the suite and returns the manifest as the catalog would load it.
    static func imported(_ relative: String, key: String) throws -> (ConnectorManifest, OpenAPIImporter.Result) {
        let out = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let (result, file) = try OpenAPIImporter.importFile(suiteRoot.appendingPathComponent(relative).path,
                                                            options: .init(key: key), into: out.path)
        let (manifest, issues) = ManifestValidator.validate(data: try Data(contentsOf: file), file: file.path,
                                                            implementations: BuiltinConnectors.implementationNames)
        #expect(issues.isEmpty, "\(issues)")
        return (try #require(manifest), result)
    }

    @Test func everyDocumentImportsAndValidates() throws {
        let documents = Self.documents()
        #expect(documents.count >= 10, "the OpenAPI suite is missing at \(Self.suiteRoot.path)")
        let out = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        var passed = 0
        var refused: [String] = []
        for (index, document) in documents.enumerated() {
            do {
                let (result, file) = try OpenAPIImporter.importFile(document.path, options: .init(key: "imported-\(index)"), into: out.path)
                let issues = ManifestValidator.validate(data: try Data(contentsOf: file), file: file.path,
                                                        implementations: BuiltinConnectors.implementationNames).1
                #expect(issues.isEmpty, "\(document.lastPathComponent): \(issues)")
                #expect(result.toolCount > 0)
                if issues.isEmpty { passed += 1 }
            } catch let error as OpenAPIImportError {
                refused.append("\(document.lastPathComponent): \(error.message)")
            }
        }
        print("OpenAPI import: \(passed) of \(documents.count) documents imported and validated")
        // The one document with webhooks only (no operations) is refused, naming what it skipped.
        #expect(refused == ["v3.1-webhook-example.yaml: the document has no operation that can become a tool (no servers: each connection gives the service URL; skipped webhook newPet: webhooks are inbound requests, not tools)"])
        #expect(passed == documents.count - 1)
    }

    @Test func toolsCarryNamesSchemasAnnotationsAndRequestTemplates() throws {
        let (petstore, _) = try Self.imported("oai-examples/v3.0-petstore-expanded.yaml", key: "petstore")
        #expect(petstore.tools.map(\.name) == ["find_pets", "add_pet", "find_pet_by_id", "delete_pet"])
        #expect(petstore.serviceUrl == "https://petstore.swagger.io/v2")
        let find = try #require(petstore.tool("find_pets"))
        #expect(find.request?.method == "GET" && find.request?.query == ["tags": "{{ arguments.tags }}", "limit": "{{ arguments.limit }}"])
        #expect(find.annotations?.readOnlyHint == true && find.outputSchema["properties"]?["items"]?["type"] == ["array", "null"])
        #expect(find.request?.output == "{items: body}")
        let add = try #require(petstore.tool("add_pet"))
        #expect(add.request?.json == ["name": "{{ arguments.name }}", "tag": "{{ arguments.tag }}"])
        #expect(add.inputSchema["required"] == ["name"] && add.annotations?.readOnlyHint == false)
        let delete = try #require(petstore.tool("delete_pet"))
        #expect(delete.request?.path == "/pets/{{ arguments.id }}" && delete.annotations?.destructiveHint == true)
        #expect(delete.inputSchema["properties"]?["id"]?["format"] == "int64" && delete.inputSchema["required"] == ["id"])

        let (uspto, _) = try Self.imported("oai-examples/v3.0-uspto.yaml", key: "uspto")
        #expect(uspto.serviceUrl == "{{ settings.scheme || 'https' }}://developer.uspto.gov/ds-api")
        #expect(uspto.settings?["properties"]?["scheme"]?["enum"] == ["https", "http"])
        #expect(try ServiceURL.resolve(uspto, settings: [:], override: nil) == "https://developer.uspto.gov/ds-api")
        #expect(try ServiceURL.resolve(uspto, settings: ["scheme": "http"], override: nil) == "http://developer.uspto.gov/ds-api")
        #expect(uspto.tools.first { $0.request?.form != nil }?.request?.form?["criteria"] == "{{ arguments.criteria }}")
    }

    @Test func securitySchemesBecomeAuthAndTheReportNamesWhatWasSkipped() throws {
        let (game, result) = try Self.imported("oai-examples/v3.1-tictactoe.yaml", key: "tictactoe")
        #expect(result.report == [
            "merged OAuth schemes app2AppOauth and user2AppOauth into one OAuth setup",
            "no servers: each connection gives the service URL",
            "skipped callbacks statusCallback of PUT /board/{row}/{column} (tool put_square): callbacks are inbound requests",
            "skipped webhook markStatus: webhooks are inbound requests, not tools",
        ])
        #expect(game.auth.type == .apiKey)
        #expect(game.auth.apply?.first == CredentialPlacementProbe.header("api-key", "{{ credentials.defaultApiKey }}", when: "{{ credentials.defaultApiKey || '' }}"))
        let oauth = try #require(game.auth.oauth2)
        #expect(oauth.grants == ["authorization_code", "client_credentials"] && oauth.scopes == ["board:read", "board:write"])
        #expect(oauth.authorizationUrl == "https://learn.openapis.org/oauth/2.0/auth" && oauth.tokenUrl == "https://learn.openapis.org/oauth/2.0/token")
        #expect(oauth.accessTokenField == "bearerHttpAuthentication")
        #expect(game.tool("put_square")?.annotations?.idempotentHint == true)

        let (resend, resendResult) = try Self.imported("resend/resend.yaml", key: "resend-imported")
        #expect(resendResult.report.contains("skipped the multipart request body of POST /contacts/imports (tool contacts_create_import): tools send JSON or form bodies"))
        #expect(resendResult.report.contains("skipped POST /contacts/imports (tool contacts_create_import): its required request body cannot be mapped"))
        #expect(resend.tool("contacts_create_import") == nil)
        // Output schemas describe rather than refuse: typed values may be null, value constraints are dropped.
        let attachment = try #require(resend.tool("emails_get_attachment")?.outputSchema["properties"])
        #expect(attachment["filename"]?["type"] == ["string", "null"] && attachment["content_disposition"]?["enum"] == nil)
        #expect(resend.tool("emails_get_attachment")?.outputSchema["type"] == "object")
    }

    @Test func unmappablePartsAreReportedOneLineEach() throws {
        let document = #"""
        {"openapi": "3.0.3", "info": {"title": "Odd API", "version": "2"}, "servers": [{"url": "https://odd.example/api"}],
         "components": {"securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sid"},
                                            "key": {"type": "apiKey", "in": "query", "name": "api_key"}}},
         "security": [{"key": []}, {"session": []}],
         "paths": {"/items/{id}": {
           "get": {"operationId": "getItem", "parameters": [
               {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
               {"name": "tracking", "in": "cookie", "schema": {"type": "string"}},
               {"name": "state", "in": "query", "schema": {"type": "string", "nullable": true, "enum": ["open", "closed"]}}],
             "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
               "type": "object", "properties": {"note": {"type": "string", "nullable": true}}}}}}}},
           "put": {"operationId": "replaceItem", "requestBody": {"content": {"application/xml": {"schema": {"type": "object"}}}},
             "responses": {"200": {"description": "ok", "content": {"application/xml": {"schema": {"type": "object"}}}}}},
           "options": {"responses": {"204": {"description": "ok"}}}},
           "/things/{thing}": {"delete": {"responses": {"204": {"description": "gone"}}}}}}
        """#
        let result = try OpenAPIImporter.convert(Data(document.utf8), options: .init(key: "odd"))
        #expect(result.report == [
            "skipped security scheme session: an API key in a cookie is not supported",
            "skipped cookie parameter tracking of GET /items/{id} (tool get_item): cookies are not sent by tools",
            "path parameter id of PUT /items/{id} (tool replace_item) is not declared: added as a required string argument",
            "skipped the XML-only request body of PUT /items/{id} (tool replace_item): tools send JSON or form bodies",
            "the 200 response of PUT /items/{id} (tool replace_item) is not JSON (application/xml): its output is not described",
            "skipped OPTIONS /items/{id}: OPTIONS is not a method tools send",
            "path parameter thing of DELETE /things/{thing} (tool delete_things_by_thing) is not declared: added as a required string argument",
            "the document's version 2 is not semantic: the manifest starts at 1.0.0",
        ])
        #expect(result.manifest["auth"]?["apply"] == [["in": "query", "name": "api_key", "value": "{{ credentials.apiKey }}"]])
        // 3.0 `nullable` becomes a 2020-12 type union, and a nullable enum admits null.
        let state = result.manifest["tools"]?[0]?["inputSchema"]?["properties"]?["state"]
        #expect(state?["type"] == ["string", "null"] && state?["enum"] == ["open", "closed", nil])
        #expect(result.manifest["tools"]?[2]?["request"]?["path"] == "/things/{{ arguments.thing }}")
        #expect(result.manifest["tools"]?[2]?["annotations"]?["destructiveHint"] == true)
        #expect(throws: OpenAPIImportError.self) { try OpenAPIImporter.convert(Data(document.utf8), options: .init(key: "Not Kebab")) }
    }
}

/// Builds expected credential placements for comparisons.
enum CredentialPlacementProbe {
    static func header(_ name: String, _ value: String, when: String? = nil) -> CredentialPlacement? {
        var json: JSONValue = ["in": "header", "name": .string(name), "value": .string(value)]
        if let when, case .object(var members) = json { members["when"] = .string(when); json = .object(members) }
        return try? JSONDecoder().decode(CredentialPlacement.self, from: Data(json.jsonText.utf8))
    }
}
