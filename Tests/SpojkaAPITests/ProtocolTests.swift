import Foundation
import HTTPTypes
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Errors, audit, OpenAPI, metrics, secrets")
struct ProtocolTests {
    @Test func errorsAreJSONEverywhere() async throws {
        try await TestApp(configure: { $0.bodyLimit = 2048 }).run { api in
            let owner = try await api.setUp()
            // GET of a path outside /api/ is the console's (index.html); other methods still answer JSON.
            let unknown = try await api.request(.delete, "/no/such/route")
            #expect(unknown.status == 404 && unknown.errorCode == "route_not_found")
            let unknownAPI = try await api.request(.get, "/api/v1/nothing", token: owner.token)
            #expect(unknownAPI.status == 404 && unknownAPI.errorCode == "route_not_found")
            let malformed = try await api.request(.post, "/api/v1/tokens", token: owner.token, raw: "{\"name\": ")
            #expect(malformed.status == 400 && malformed.errorCode == "malformed_json")
            let wrongType = try await api.request(.post, "/api/v1/tokens", token: owner.token, raw: "name=x", contentType: "application/x-www-form-urlencoded")
            #expect(wrongType.status == 415 && wrongType.errorCode == "unsupported_media_type")
            let big = try await api.request(.post, "/api/v1/tokens", token: owner.token, body: ["name": .string(String(repeating: "x", count: 5000))])
            #expect(big.status == 413 && big.errorCode == "payload_too_large")
            let notObject = try await api.request(.post, "/api/v1/tokens", token: owner.token, raw: "[1,2]")
            #expect(notObject.status == 422)
            let invalid = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/members", token: owner.token,
                                                body: ["email": "x@example.com", "role": "emperor"])
            #expect(invalid.status == 422 && invalid.text.contains("role"))
            for answer in [unknown, malformed, wrongType, big, notObject, invalid] {
                #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(answer.json["error"]?["message"]?.stringValue?.isEmpty == false)
                #expect(!answer.text.contains("SELECT") && !answer.text.contains("Error("))
            }
            // Nothing was created by the rejected requests.
            let tokens = try await api.request(.get, "/api/v1/tokens", token: owner.token)
            #expect(tokens.json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func auditRecordsActionsWithFiltersAndPages() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let ws = owner.workspace
            let bo = try await api.addMember("bo@example.com", role: "member", workspace: ws, by: owner.token)
            _ = try await api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(bo.user)", token: owner.token, body: ["role": "viewer"])
            _ = try await api.request(.patch, "/api/v1/workspaces/\(ws)", token: owner.token, body: ["name": "Acme 2"])
            let created = try await api.request(.post, "/api/v1/tokens", token: owner.token, body: ["name": "ci"])
            _ = try await api.request(.delete, "/api/v1/tokens/\(created.json["id"]?.stringValue ?? "")", token: owner.token)
            _ = try await api.request(.delete, "/api/v1/workspaces/\(ws)/members/\(bo.user)", token: owner.token)
            let log = try await api.request(.get, "/api/v1/workspaces/\(ws)/audit", token: owner.token)
            let actions = log.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
            for action in ["setup.completed", "member.invited", "invitation.accepted", "member.role_changed", "workspace.renamed",
                           "token.created", "token.revoked", "member.removed"] {
                #expect(actions.contains(action), "\(action) missing from \(actions)")
            }
            let roleChange = log.json["items"]?.arrayValue?.first { $0["action"] == "member.role_changed" }
            #expect(roleChange?["details"] == ["from": "member", "to": "viewer"])
            #expect(roleChange?["actor"]?.stringValue == owner.user)
            let filtered = try await api.request(.get, "/api/v1/workspaces/\(ws)/audit?action=token.created", token: owner.token)
            #expect(filtered.json["items"]?.arrayValue?.count == 1)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await api.request(.get, "/api/v1/workspaces/\(ws)/audit?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: owner.token)
                seen += page.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                cursor = page.json["nextCursor"]?.stringValue
            } while cursor != nil
            #expect(seen == log.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
            let badCursor = try await api.request(.get, "/api/v1/workspaces/\(ws)/audit?cursor=%%%&limit=0", token: owner.token)
            #expect(badCursor.status == 422)
        }
    }

    @Test func openAPIDocumentsExactlyTheRoutesThatExist() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let document = try await api.request(.get, "/api/v1/openapi.json")
            #expect(document.json["openapi"] == "3.1.0")
            let paths = try #require(document.json["paths"]?.objectValue)
            var documented = 0
            for (path, item) in paths {
                for method in (item.objectValue ?? [:]).keys {
                    documented += 1
                    let concrete = path.replacingOccurrences(of: "{ws}", with: owner.workspace)
                        .replacingOccurrences(of: "{userId}", with: "usr_zzz").replacingOccurrences(of: "{tokenId}", with: "tok_zzz")
                    let answer = try await api.request(HTTPRequest.Method(method.uppercased())!, concrete, token: owner.token)
                    #expect(answer.errorCode != "route_not_found" && answer.status != 405, "\(method) \(path) is documented but not routed")
                }
            }
            // The reverse: every route registration in the source goes through the documenting registrar.
            let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/SpojkaAPI")
            var registrations = 0
            for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
                registrations += text.components(separatedBy: "r.add(.").count - 1
                for direct in ["router.get(", "router.post(", "router.put(", "router.patch(", "router.delete(", "router.group("] {
                    #expect(!text.contains(direct) || file == "API.swift", "\(file) registers a route outside the registrar")
                }
            }
            #expect(registrations + 1 == documented)
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            _ = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)", token: owner.token)
            _ = try await api.request(.get, "/api/v1/workspaces/ws_nope", token: owner.token)
            let metrics = try await api.request(.get, "/metrics")
            #expect(metrics.text.contains(#"spojka_http_requests_total{route="/api/v1/workspaces/{ws}",method="GET",status="200"} 1"#))
            #expect(metrics.text.contains(#"spojka_http_requests_total{route="/api/v1/workspaces/{ws}",method="GET",status="404"} 1"#))
            #expect(metrics.text.contains("spojka_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains("spojka_db_connections_in_use"))
        }
    }

    @Test func healthAndReadiness() async throws {
        try await TestApp().run { api in
            let health = try await api.request(.get, "/healthz")
            let ready = try await api.request(.get, "/readyz")
            #expect(health.json["status"] == "ok" && ready.json["status"] == "ready")
        }
    }

    /// A unique canary password and the one-time tokens never appear in later responses, logs or the database file.
    @Test func secretCanaryNeverLeaks() async throws {
        let app = try TestApp()
        let canary = "canary-\(UUID().uuidString)-pw"
        let (issued, transcript) = try await app.run { api -> ([String], [String]) in
            let setup = try await api.request(.post, "/api/v1/setup",
                                              body: ["email": "c@example.com", "name": "C", "workspace": "W", "password": .string(canary)])
            let token = try #require(setup.json["token"]?.stringValue)
            let ws = try #require(setup.json["workspace"]?["id"]?.stringValue)
            let created = try #require(try await api.request(.post, "/api/v1/tokens", token: token, body: ["name": "x"]).json["token"]?.stringValue)
            let login = try #require(try await api.request(.post, "/api/v1/auth/login", body: ["email": "c@example.com", "password": .string(canary)]).json["token"]?.stringValue)
            _ = try await api.request(.post, "/api/v1/auth/login", body: ["email": "c@example.com", "password": .string(canary + "x")])
            let invited = try await api.request(.post, "/api/v1/workspaces/\(ws)/members", token: token, body: ["email": "d@example.com", "role": "viewer"])
            let invitation = try #require(invited.json["invitation"]?["token"]?.stringValue)
            let marker = api.transcript.all.count
            for path in ["/api/v1/tokens", "/api/v1/workspaces", "/api/v1/workspaces/\(ws)/members", "/api/v1/workspaces/\(ws)/audit", "/metrics"] {
                _ = try await api.request(.get, path, token: token)
            }
            return ([token, created, login, invitation], Array(api.transcript.all[marker...]))
        }
        for secret in issued + [canary] {
            #expect(!transcript.joined().contains(secret), "a later response shows a secret")
            #expect(!app.logs.all.joined().contains(secret), "a log line shows a secret")
        }
        let database = try Data(contentsOf: URL(fileURLWithPath: app.config.sqlitePath))
            + ((try? Data(contentsOf: URL(fileURLWithPath: app.config.sqlitePath + "-wal"))) ?? Data())
        for secret in issued + [canary] {
            #expect(database.range(of: Data(secret.utf8)) == nil, "the database holds a secret in plaintext")
        }
    }
}
