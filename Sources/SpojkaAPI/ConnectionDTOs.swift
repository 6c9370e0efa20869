import Foundation
import SpojkaConnections
import SpojkaCore

/// A connection as every read shows it: never a secret value, not even a masked prefix.
struct ConnectionDTO: Encodable {
    struct Owner: Encodable { let id: String; let email: String? }
    let id, connector, connectorVersion, name, environment, status: String
    let serviceUrl: String?
    let settings: JSONValue
    let statusReason: String?
    let checkedAt, lastUsedAt: Date?
    let owner: Owner
    let account: JSONValue?
    let credentialFields: [String]
    let createdAt, updatedAt: Date
    let handle: String
    let toolPolicy: ToolPolicy?
    /// The tools discovered from the service (a remote MCP server); absent for other connectors.
    let tools: JSONValue?

    init(_ c: Connection, ownerEmail: String?) {
        id = c.id.rawValue; connector = c.connector; connectorVersion = c.connectorVersion; name = c.name
        environment = c.environment.rawValue; status = c.status.rawValue; serviceUrl = c.serviceURL; settings = c.settings
        statusReason = c.statusReason; checkedAt = c.checkedAt; lastUsedAt = c.lastUsedAt
        owner = Owner(id: c.ownerID.rawValue, email: ownerEmail); account = ConnectionService.shownAccount(c.account); credentialFields = c.credentialFields
        createdAt = c.createdAt; updatedAt = c.updatedAt; handle = c.handle; toolPolicy = c.toolPolicy
        tools = c.tools
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id); try c.encode(connector, forKey: .connector); try c.encode(connectorVersion, forKey: .connectorVersion)
        try c.encode(name, forKey: .name); try c.encode(serviceUrl, forKey: .serviceUrl); try c.encode(settings, forKey: .settings)
        try c.encode(environment, forKey: .environment); try c.encode(status, forKey: .status); try c.encode(statusReason, forKey: .statusReason)
        try c.encode(checkedAt, forKey: .checkedAt); try c.encode(lastUsedAt, forKey: .lastUsedAt); try c.encode(owner, forKey: .owner)
        try c.encode(account, forKey: .account); try c.encode(credentialFields, forKey: .credentialFields)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(handle, forKey: .handle); try c.encode(toolPolicy, forKey: .toolPolicy)
        try c.encodeIfPresent(tools, forKey: .tools)
    }

    enum Keys: String, CodingKey {
        case id, connector, connectorVersion, name, serviceUrl, settings, environment, status, statusReason, checkedAt, lastUsedAt
        case owner, account, credentialFields, createdAt, updatedAt, handle, toolPolicy, tools
    }
}

/// One timeline entry.
struct ConnectionEventDTO: Encodable {
    let at: Date
    let type, actor: String
    let from, to, reason: String?
    init(_ e: ConnectionEvent) { at = e.at; type = e.type; actor = e.actor; from = e.from; to = e.to; reason = e.reason }
}

/// One access-log entry.
struct CredentialAccessDTO: Encodable {
    let at: Date
    let actor, purpose: String
    let tool: String?
    init(_ a: CredentialAccess) { at = a.at; actor = a.actor; purpose = a.purpose; tool = a.tool }
}

struct CreateConnectionInput: APIInput {
    static let fields: Set<String> = ["connector", "name", "credentials", "settings", "serviceUrl", "environment", "oauthApp", "grant"]
    let connector: String
    let name: String
    let credentials: [String: String]?
    let settings: JSONValue?
    let serviceUrl: String?
    let environment: Connection.Environment?
    /// An OAuth app of the workspace: the connection is authorised through the provider instead of given credentials.
    let oauthApp: String?
    /// `authorization_code` (default) or `client_credentials`, with `oauthApp`.
    let grant: String?

    func problems() -> [(path: String, message: String)] {
        var out = Rules.text(name, "name")
        if let settings, settings.objectValue == nil { out.append(("settings", "must be an object")) }
        switch (credentials, oauthApp) {
        case (nil, nil): out.append(("credentials", "is required (or oauthApp for an OAuth connection)"))
        case (.some, .some): out.append(("oauthApp", "an OAuth connection takes no credentials"))
        case (nil, .some(let app)) where ID<OAuthApp>(validating: app) == nil: out.append(("oauthApp", "must be an OAuth app ID (oapp_…)"))
        default: break
        }
        if let grant, !["authorization_code", "client_credentials"].contains(grant) { out.append(("grant", "must be authorization_code or client_credentials")) }
        return out
    }
}

struct AuthorizeInput: APIInput {
    static let fields: Set<String> = ["allowAccountChange"]
    let allowAccountChange: Bool?
}

struct PatchConnectionInput: APIInput {
    struct Policy: Decodable {
        let allowedTools: [String]?
        let readOnly: Bool?
    }
    static let fields: Set<String> = ["name", "settings", "serviceUrl", "environment", "handle", "toolPolicy"]
    let handle: String?
    let toolPolicy: Policy?
    let name: String?
    let settings: JSONValue?
    let serviceUrl: String?
    let environment: Connection.Environment?

    func problems() -> [(path: String, message: String)] {
        var out = name.map { Rules.text($0, "name") } ?? []
        if let settings, settings.objectValue == nil { out.append(("settings", "must be an object")) }
        return out
    }
}

struct RotateInput: APIInput {
    static let fields: Set<String> = ["credentials", "partial"]
    let credentials: [String: String]
    let partial: Bool?
}
