import Foundation
import Hummingbird
import SpojkaCore
import SpojkaTestSupport
import Testing

/// An operator's connector folder on disk, rewritten between reloads.
struct OperatorFolder: Sendable {
    let path: String

    init() throws { path = try TestDatabase.temporaryDirectory() + "/connectors" }

    /// The Acme CRM connector at `version` with `tools`, requiring `required` credential fields.
    static func crm(version: String, tools: [String], required: [String] = ["apiKey"], changes: [String]? = nil) -> JSONValue {
        let specs: [JSONValue] = tools.map { name in
            ["name": .string(name), "title": .string(name), "description": .string("Calls \(name)."),
             "inputSchema": ["type": "object", "properties": ["id": ["type": "string"]]], "outputSchema": ["type": "object"],
             "request": ["method": name.hasPrefix("create") ? "POST" : "GET", "path": .string("/\(name)"),
                         "query": ["id": "{{ arguments.id }}"]]]
        }
        var manifest: [String: JSONValue] = [
            "key": "acme-crm", "name": "Acme CRM", "category": "Productivity", "description": "The company's own CRM.",
            "version": .string(version), "serviceUrl": "https://crm.acme.example",
            "auth": ["type": "api_key",
                     "fields": ["type": "object", "required": .array(required.map { .string($0) }),
                                "properties": ["apiKey": ["type": "string", "writeOnly": true], "accountId": ["type": "string"]]],
                     "apply": [["in": "header", "name": "Authorization", "value": "Bearer {{ credentials.apiKey }}"]]],
            "tools": .array(specs),
        ]
        if let changes { manifest["changelog"] = [["version": .string(version), "changes": .array(changes.map { .string($0) })]] }
        return .object(manifest)
    }

    /// Writes `manifest` (JSON value or raw text) as `<key>/manifest.json`.
    func write(_ key: String, _ manifest: JSONValue? = nil, raw: String? = nil) throws {
        let folder = path + "/" + key
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = try raw.map { Data($0.utf8) } ?? JSONEncoder().encode(manifest ?? .null)
        try data.write(to: URL(fileURLWithPath: folder + "/manifest.json"))
    }
}

/// A replica of the Acme CRM: answers every request with the path it saw; records headers.
func crmReplica(_ log: RequestLog) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: RecordingMiddleware(log: log))
    for method in [HTTPRequest.Method.get, .post] {
        router.on("/{tool}", method: method) { request, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: .init(string: #"{"path":"\#(request.uri.path)"}"#)))
        }
    }
    return router
}

@Suite("Connector folder: reload, versions, updates that never touch credentials")
struct ConnectorFolderTests {
    static let key = "acme_key_FOLDERCANARY42"

    /// An app on a folder holding Acme CRM 1.0.0 (`get_contact`, `list_contacts`) and one connection on it.
    func withCRM(_ body: @Sendable (TestApp, TestAPI, Owner, OperatorFolder, RequestLog, _ connection: String) async throws -> Void) async throws {
        let folder = try OperatorFolder()
        try folder.write("acme-crm", OperatorFolder.crm(version: "1.0.0", tools: ["get_contact", "list_contacts"]))
        let log = RequestLog()
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1; $0.connectorsDirectory = folder.path })
        try await ReplicaServer.run(crmReplica(log)) { base in
            try await app.run { api in
                let owner = try await api.setUp()
                let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                                    body: ["connector": "acme-crm", "name": "CRM", "credentials": ["apiKey": .string(Self.key)],
                                                           "serviceUrl": .string(base)])
                let id = try #require(created.json["id"]?.stringValue, "\(created.text)")
                #expect(created.json["connectorVersion"] == "1.0.0")
                try await body(app, api, owner, folder, log, id)
            }
        }
    }

    func sealed(_ app: TestApp, _ id: String) async throws -> [String: [UInt8]] {
        try await app.withStore { store in try await store.read { try await $0.sealedCredentials(of: ID(rawValue: id)) } }
    }

    func call(_ api: TestAPI, _ owner: Owner, _ connection: String, _ tool: String) async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                              body: ["connector": "acme-crm", "tool": .string(tool), "connection": .string(connection), "arguments": ["id": "c1"]])
    }

    @Test func aVersionThatAddsAToolReachesTheConnectionWithItsOldCredentialUntouched() async throws {
        try await withCRM { app, api, owner, folder, log, connection in
            let before = try await sealed(app, connection)
            #expect(try await call(api, owner, connection, "create_contact").status == 422, "not a tool of 1.0.0")

            try folder.write("acme-crm", OperatorFolder.crm(version: "1.1.0", tools: ["get_contact", "list_contacts", "create_contact"],
                                                            changes: ["create_contact: add a contact"]))
            let report = await app.reloads.reload()
            #expect(report.updated["acme-crm"]?.from == "1.0.0" && report.updated["acme-crm"]?.to == "1.1.0")
            #expect(report.connectionsUpdated == 1 && report.refused.isEmpty)

            let answer = try await call(api, owner, connection, "create_contact")
            #expect(answer.status == 200 && answer.json["output"]?["path"] == "/create_contact", "\(answer.text)")
            #expect(log.all.last?.method == "POST" && log.all.last?.headers["authorization"] == "Bearer \(Self.key)", "the replica saw the old key")
            #expect(try await sealed(app, connection) == before, "no credential row changed")

            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(connection)"
            let read = try await api.request(.get, path, token: owner.token)
            #expect(read.json["connectorVersion"] == "1.1.0" && read.json["status"] == "active", "\(read.text)")
            let events = try await api.request(.get, path + "/events", token: owner.token)
            let updated = events.json["items"]?.arrayValue?.first { $0["type"] == "connector_updated" }
            #expect(updated?["from"] == "1.0.0" && updated?["to"] == "1.1.0", "\(events.text)")
            #expect(updated?["reason"]?.stringValue?.contains("added tools: create_contact") == true)

            let catalog = try await api.request(.get, "/api/v1/connectors?q=acme", token: owner.token)
            #expect(catalog.json["items"]?[0]?["version"] == "1.1.0" && catalog.json["items"]?[0]?["source"] == "folder", "\(catalog.text)")
            let detail = try await api.request(.get, "/api/v1/connectors/acme-crm", token: owner.token)
            #expect(detail.json["changelog"]?[0]?["changes"] == ["create_contact: add a contact"])
            let again = await app.reloads.reload()
            #expect(again.updated.isEmpty && again.connectionsUpdated == 0, "an unchanged folder moves nothing")
        }
    }

    @Test func aVersionThatRemovesAToolBreaksTheWorkflowThatUsesItAndItsRunFailsThere() async throws {
        try await withCRM { app, api, owner, folder, _, connection in
            let id = try await api.saveWorkflow(owner, Flow.definition("Contacts", [
                Flow.manual,
                Flow.node("contacts", "connector", ["connector": "acme-crm", "tool": "list_contacts", "connection": .string(connection),
                                                    "arguments": [:]]),
            ], [Flow.edge("start", "contacts")]))
            #expect(try await api.runAndWait(owner, id).json["status"] == "completed")

            try folder.write("acme-crm", OperatorFolder.crm(version: "2.0.0", tools: ["get_contact"], changes: ["list_contacts is gone"]))
            #expect(await app.reloads.reload().connectionsUpdated == 1)

            let workflow = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/workflows/\(id)", token: owner.token)
            let broken = try #require(workflow.json["broken"]?[0], "\(workflow.text)")
            #expect(broken["node"] == "contacts" && broken["connection"]?.stringValue == connection)
            #expect(broken["reason"]?.stringValue?.contains("list_contacts") == true)
            let run = try await api.runAndWait(owner, id)
            #expect(run.json["status"] == "failed" && run.json["error"]?["code"] == "tool_not_found", "\(run.text)")
            #expect(run.json["error"]?["nodeId"] == "contacts" && run.json["error"]?["message"]?.stringValue?.contains("list_contacts") == true)
        }
    }

    @Test func aNewRequiredCredentialFieldMovesTheConnectionToReauthorizeNamingIt() async throws {
        try await withCRM { app, api, owner, folder, _, connection in
            try folder.write("acme-crm", OperatorFolder.crm(version: "1.2.0", tools: ["get_contact", "list_contacts"], required: ["apiKey", "accountId"]))
            #expect(await app.reloads.reload().connectionsUpdated == 1)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(connection)"
            let read = try await api.request(.get, path, token: owner.token)
            #expect(read.json["status"] == "reauthorize" && read.json["statusReason"]?.stringValue?.contains("accountId") == true, "\(read.text)")
            let verified = try await api.request(.post, path + "/verify", token: owner.token)
            #expect(verified.json["status"] == "reauthorize" && verified.text.contains("accountId"), "a passing check does not hide the missing field")
            let refused = try await call(api, owner, connection, "get_contact")
            #expect(refused.status == 409 && refused.errorCode == "connection_needs_update" && refused.text.contains("accountId"), "\(refused.text)")
            let rotated = try await api.request(.put, path + "/credentials", token: owner.token,
                                                body: ["credentials": ["apiKey": .string(Self.key), "accountId": "acct_1"]])
            #expect(rotated.status == 200 && rotated.json["status"] == "active", "\(rotated.text)")
            #expect(try await call(api, owner, connection, "get_contact").status == 200)
        }
    }

    @Test func invalidAndShadowingManifestsAreRefusedByFileAndPathWhileTheRestKeepWorking() async throws {
        let folder = try OperatorFolder()
        try folder.write("acme-crm", OperatorFolder.crm(version: "1.0.0", tools: ["get_contact"]))
        var bad = OperatorFolder.crm(version: "1.0.0", tools: ["get_contact"])
        if case .object(var members) = bad { members["key"] = "ledger"; members["version"] = "one"; bad = .object(members) }
        try folder.write("ledger", bad)
        var shadow = OperatorFolder.crm(version: "9.0.0", tools: ["get_contact"])
        if case .object(var members) = shadow { members["key"] = "stripe"; shadow = .object(members) }
        try folder.write("stripe", shadow)
        let app = try TestApp(configure: { $0.connectorsDirectory = folder.path })
        try await app.run { api in
            let owner = try await api.setUp()
            let ready = try await api.request(.get, "/readyz")
            #expect(ready.status == 200 && ready.json["status"] == "ready")
            let refused = ready.json["connectors"]?["refused"]?.arrayValue ?? []
            #expect(refused.contains { $0["file"] == "ledger/manifest.json" && $0["path"] == "/version" }, "\(ready.text)")
            #expect(refused.contains { $0["file"] == "stripe/manifest.json" && $0["path"] == "/key" && $0["rule"] == "shadowing" })
            #expect(ready.json["connectors"]?["folder"] == ["acme-crm"])
            #expect(app.logs.all.contains { $0.contains("connector manifest refused") && $0.contains("ledger/manifest.json") })
            let stripe = try await api.request(.get, "/api/v1/connectors/stripe", token: owner.token)
            #expect(stripe.json["source"] == "builtin" && stripe.json["version"] != "9.0.0")
            #expect(try await api.request(.get, "/api/v1/connectors/ledger", token: owner.token).status == 404)
            #expect(try await api.request(.get, "/api/v1/connectors/acme-crm", token: owner.token).json["version"] == "1.0.0")

            // A broken edit of a loaded connector keeps its last good version in force; fixing the other one loads it.
            try folder.write("acme-crm", raw: "{ not json")
            var fixed = OperatorFolder.crm(version: "1.0.0", tools: ["get_contact"])
            if case .object(var members) = fixed { members["key"] = "ledger"; fixed = .object(members) }
            try folder.write("ledger", fixed)
            let report = await app.reloads.reload()
            #expect(report.refused.contains { $0.file == "acme-crm/manifest.json" } && report.folderKeys == ["acme-crm", "ledger"])
            #expect(try await api.request(.get, "/api/v1/connectors/acme-crm", token: owner.token).json["version"] == "1.0.0")
            #expect(try await api.request(.get, "/api/v1/connectors/ledger", token: owner.token).status == 200)
        }
    }
}
