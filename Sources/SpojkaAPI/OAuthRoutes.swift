import Foundation
import Hummingbird
import SpojkaConnections
import SpojkaCore

struct OAuthAppInputDTO: APIInput {
    static let fields: Set<String> = ["connector", "name", "clientId", "clientSecret", "scopes", "authorizationUrl", "tokenUrl", "userinfoUrl",
                                      "extraAuthorizeParams"]
    let connector: String?
    let name: String?
    let clientId: String?
    let clientSecret: String?
    let scopes: [String]?
    let authorizationUrl: String?
    let tokenUrl: String?
    let userinfoUrl: String?
    let extraAuthorizeParams: [String: String]?

    func problems() -> [(path: String, message: String)] {
        var out: [(path: String, message: String)] = []
        if let name { out += Rules.text(name, "name") }
        if let clientSecret, clientSecret.isEmpty || clientSecret.count > 4096 { out.append(("clientSecret", "must be 1 to 4096 characters")) }
        if let scopes, scopes.contains(where: { $0.isEmpty || $0.contains(" ") }) { out.append(("scopes", "each scope is one non-empty word")) }
        return out
    }

    var input: OAuthAppInput {
        OAuthAppInput(connector: connector, name: name, clientID: clientId, clientSecret: clientSecret.map(Secret.init), scopes: scopes,
                      authorizationURL: authorizationUrl, tokenURL: tokenUrl, userinfoURL: userinfoUrl, extraAuthorizeParams: extraAuthorizeParams)
    }
}

/// `/api/v1/workspaces/{ws}/oauth-apps` (admins manage the client registrations) and `GET /oauth/callback`.
struct OAuthRoutes {
    let services: APIServices
    static let base = "/api/v1/workspaces/{ws}/oauth-apps"

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, Self.base, "List OAuth apps (client secrets never shown)", handler: list)
        r.add(.post, Self.base, "Register an OAuth app (admin, owner)", body: OAuthAppInputDTO.self, success: 201, handler: create)
        r.add(.get, Self.base + "/{id}", "Read an OAuth app", handler: read)
        r.add(.patch, Self.base + "/{id}", "Change an OAuth app; a new clientSecret rotates it in place", body: OAuthAppInputDTO.self, handler: patch)
        r.add(.delete, Self.base + "/{id}", "Delete an OAuth app (409 while connections use it)", success: 204, handler: delete)
        r.add(.get, "/oauth/callback", "Where the provider sends the browser after sign-in (an HTML page)", query: ["code", "state", "error", "shop", "hmac"],
              authenticated: false, handler: callback)
    }

    func json(_ app: OAuthApp) -> JSONValue {
        ["id": .string(app.id.rawValue), "connector": .string(app.connector), "name": .string(app.name), "clientId": .string(app.clientID),
         "clientSecretSet": true, "scopes": .array(app.scopes.map { .string($0) }),
         "authorizationUrl": app.authorizationURL.map { .string($0) } ?? .null, "tokenUrl": app.tokenURL.map { .string($0) } ?? .null,
         "userinfoUrl": app.userinfoURL.map { .string($0) } ?? .null,
         "extraAuthorizeParams": .object(app.extraAuthorizeParams.mapValues { .string($0) }),
         "redirectUri": .string(services.connections.oauthRedirectURI),
         "createdAt": .string(APIJSON.format(app.createdAt)), "updatedAt": .string(APIJSON.format(app.updatedAt))]
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let apps = try await services.store.read { try await $0.oauthApps(in: workspace.id) }
        return try Reply.json(["items": .array(apps.map(json)), "nextCursor": .null] as JSONValue)
    }

    @Sendable func create(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .admin)
        let body = try await services.body.decode(OAuthAppInputDTO.self, from: request)
        let app = try await services.connections.createOAuthApp(body.input, in: workspace.id, by: principal.user.id)
        return try Reply.json(json(app), status: .created)
    }

    @Sendable func read(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let id = try context.id("id", OAuthApp.self, what: "OAuth app")
        guard let app = try await services.store.read({ try await $0.oauthApp(id, in: workspace.id) }) else { throw SpojkaError.notFound("OAuth app") }
        return try Reply.json(json(app))
    }

    @Sendable func patch(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .admin)
        let id = try context.id("id", OAuthApp.self, what: "OAuth app")
        let body = try await services.body.decode(OAuthAppInputDTO.self, from: request)
        if body.connector != nil { throw SpojkaError.validation([("connector", "cannot change; register a new app")]) }
        return try Reply.json(json(try await services.connections.updateOAuthApp(id, body.input, in: workspace.id, by: principal.user.id)))
    }

    @Sendable func delete(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .admin)
        try await services.connections.deleteOAuthApp(try context.id("id", OAuthApp.self, what: "OAuth app"), in: workspace.id, by: principal.user.id)
        return Reply.noContent()
    }

    @Sendable func callback(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let result = await services.connections.completeAuthorization(state: request.query("state"), code: request.query("code"),
                                                                       error: request.query("error"), errorDescription: request.query("error_description"),
                                                                       query: query)
        services.logger.info("oauth callback", metadata: ["status": .stringConvertible(result.status), "connection": .string(result.connection?.rawValue ?? "")])
        return Self.page(result)
    }

    /// A small self-contained HTML page (no scripts) saying what happened.
    static func page(_ result: OAuthCallbackResult) -> Response {
        let ok = result.status == 200
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Spojka · \(escape(result.title))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
            <h1 style="color: \(ok ? "#176f2c" : "#a4262c")">\(escape(result.title))</h1><p id="message">\(escape(result.message))</p>
            """
        if let id = result.connection { html += "<p>Connection <code id=\"connection\">\(escape(id.rawValue))</code></p>" }
        if let back = result.returnURL { html += "<p><a href=\"\(escape(back))\">Back to Spojka</a></p>" }
        else if let id = result.connection { html += "<p><a href=\"/connections/\(escape(id.rawValue))\">Open the connection in the console</a></p>" }
        html += "</body></html>"
        return Response(status: HTTPResponse.Status(code: result.status),
                         headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'"],
                         body: .init(byteBuffer: .init(string: html)))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
