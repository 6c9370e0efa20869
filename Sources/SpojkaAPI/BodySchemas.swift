import SpojkaCore

/// The limits of request bodies, in one place: each body type's JSON Schema is both checked on every request
/// (`BodyReader`) and published in the OpenAPI document, so the documented limits are the enforced ones.
enum Limits {
    /// Display names (workflows, connections, workspaces, tokens, people, OAuth apps).
    static let name = 200
    /// IDs (`conn_…`, `oapp_…`) and workflow node IDs.
    static let id = 64
    /// Connector keys and tool names.
    static let key = 100
    /// Workflow descriptions.
    static let description = 4000
    /// Approval comments.
    static let comment = 2000
    /// URLs.
    static let url = 2048
    /// One credential value (PEM keys fit).
    static let credential = 16384
    /// Passwords, in characters (the API also caps them at 1024 bytes).
    static let password = 1024
    /// Nodes per workflow.
    static let nodes = 500
    /// Edges per workflow.
    static let edges = 2000
}

/// Small builders of JSON Schema 2020-12 fragments.
enum Schema {
    static func object(_ properties: [String: JSONValue], required: [String] = [], additional: Bool = false) -> JSONValue {
        var out: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { out["required"] = .array(required.map(JSONValue.string)) }
        if !additional { out["additionalProperties"] = false }
        return .object(out)
    }

    static func string(max: Int, min: Int = 0, format: String? = nil) -> JSONValue {
        var out: [String: JSONValue] = ["type": "string", "maxLength": .int(max)]
        if min > 0 { out["minLength"] = .int(min) }
        if let format { out["format"] = .string(format) }
        return .object(out)
    }

    static func oneOf(_ values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map(JSONValue.string))] }
    static func array(_ items: JSONValue, max: Int) -> JSONValue { ["type": "array", "items": items, "maxItems": .int(max)] }
    static func map(_ values: JSONValue, max: Int) -> JSONValue {
        ["type": "object", "additionalProperties": values, "maxProperties": .int(max)]
    }
    static let bool: JSONValue = ["type": "boolean"]
    static let anyObject: JSONValue = ["type": "object"]
    /// Any JSON value.
    static let any: JSONValue = [:]
    static let name = string(max: Limits.name, min: 1)
    static let id = string(max: Limits.id, min: 1)
    static let url = string(max: Limits.url)
    /// A workflow node's canvas position `{x, y}`.
    static let position = object(["x": ["type": "number", "minimum": -1_000_000, "maximum": 1_000_000],
                                  "y": ["type": "number", "minimum": -1_000_000, "maximum": 1_000_000]], required: ["x", "y"])
    /// `{allowedTools: [tool] | null, readOnly}`.
    static let toolPolicy = object(["allowedTools": ["type": ["array", "null"], "items": string(max: Limits.key, min: 1), "maxItems": 500],
                                    "readOnly": bool])
}

extension StartRunInput {
    static let schema = Schema.object(["input": Schema.any, "wait": Schema.bool,
                                       "timeoutSeconds": ["type": "number", "exclusiveMinimum": 0, "maximum": 300]])
}

extension DecisionInput {
    static let schema = Schema.object(["decision": Schema.oneOf(["approve", "reject"]), "comment": Schema.string(max: Limits.comment)],
                                      required: ["decision"])
}

extension WorkflowDefinitionInput {
    static let schema = Schema.object([
        "name": Schema.name, "description": Schema.string(max: Limits.description),
        "nodes": Schema.array(Schema.object(["id": Schema.id, "type": Schema.string(max: 32, min: 1), "outputVariable": Schema.string(max: Limits.id),
                                             "config": Schema.anyObject, "position": Schema.position],
                                            required: ["id", "type"], additional: true), max: Limits.nodes),
        "edges": Schema.array(Schema.object(["from": Schema.id, "to": Schema.id, "handle": Schema.string(max: Limits.id)],
                                            required: ["from", "to"], additional: true), max: Limits.edges),
        "timeoutSeconds": ["type": "number", "exclusiveMinimum": 0, "maximum": 86400],
        "environment": Schema.oneOf(Connection.Environment.allCases.map(\.rawValue)),
    ], required: ["name", "nodes", "edges"])
}

extension WorkflowPatchInput {
    static let schema = Schema.object(["enabled": Schema.bool], required: ["enabled"])
}

extension CreateConnectionInput {
    static let schema = Schema.object([
        "connector": Schema.string(max: Limits.key, min: 1), "name": Schema.name,
        "credentials": Schema.map(Schema.string(max: Limits.credential), max: 50), "settings": Schema.anyObject, "serviceUrl": Schema.url,
        "environment": Schema.oneOf(Connection.Environment.allCases.map(\.rawValue)), "oauthApp": Schema.id,
        "grant": Schema.oneOf(["authorization_code", "client_credentials"]),
    ], required: ["connector", "name"])
}

extension PatchConnectionInput {
    static let schema = Schema.object(["name": Schema.name, "settings": Schema.anyObject, "serviceUrl": Schema.url,
                                       "environment": Schema.oneOf(Connection.Environment.allCases.map(\.rawValue)),
                                       "handle": Schema.string(max: ConnectionHandle.maxLength, min: 1),
                                       "toolPolicy": Schema.toolPolicy])
}

extension RotateInput {
    static let schema = Schema.object(["credentials": Schema.map(Schema.string(max: Limits.credential), max: 50), "partial": Schema.bool],
                                      required: ["credentials"])
}

extension AuthorizeInput {
    static let schema = Schema.object(["allowAccountChange": Schema.bool])
}

extension ToolCallInput {
    static let schema = Schema.object(["connector": Schema.string(max: Limits.key, min: 1), "tool": Schema.string(max: Limits.key, min: 1),
                                       "connection": Schema.id, "arguments": Schema.anyObject], required: ["connector", "tool"])
}

extension SetupInput {
    static let schema = Schema.object(["email": Schema.string(max: 254, min: 3), "name": Schema.name, "workspace": Schema.name,
                                       "password": Schema.string(max: Limits.password, min: 10)], required: ["email", "name", "workspace"])
}

extension LoginInput {
    static let schema = Schema.object(["email": Schema.string(max: 254, min: 3), "password": Schema.string(max: Limits.password, min: 1)],
                                      required: ["email", "password"])
}

extension AcceptInput {
    // A new email needs name and password (checked by the handler); an existing account may prove itself with its token instead.
    static let schema = Schema.object(["token": Schema.string(max: 256, min: 1), "name": Schema.name,
                                       "password": Schema.string(max: Limits.password, min: 1)], required: ["token"])
}

extension AddMemberInput {
    static let schema = Schema.object(["email": Schema.string(max: 254, min: 3), "role": Schema.oneOf(Role.allCases.map(\.rawValue))],
                                      required: ["email", "role"])
}

extension ChangeRoleInput {
    static let schema = Schema.object(["role": Schema.oneOf(Role.allCases.map(\.rawValue))], required: ["role"])
}

extension OAuthAppInputDTO {
    static let schema = Schema.object([
        "connector": Schema.string(max: Limits.key, min: 1), "name": Schema.name, "clientId": Schema.string(max: 512, min: 1),
        "clientSecret": Schema.string(max: 4096, min: 1), "scopes": Schema.array(Schema.string(max: 200, min: 1), max: 100),
        "authorizationUrl": Schema.url, "tokenUrl": Schema.url, "userinfoUrl": Schema.url,
        "extraAuthorizeParams": Schema.map(Schema.string(max: 2000), max: 50),
    ])
}

extension CreateTokenInput {
    static let schema = Schema.object(["name": Schema.name, "expiresAt": Schema.string(max: 64, format: "date-time"), "scope": scopeSchema],
                                      required: ["name"])
    static let scopeSchema = Schema.object([
        "workspace": Schema.id, "connections": ["type": ["array", "null"], "items": Schema.id, "maxItems": 1000],
        "tools": Schema.map(Schema.array(Schema.string(max: Limits.key, min: 1), max: 500), max: 1000),
        "readOnly": Schema.bool, "includeUtilities": Schema.bool,
    ], required: ["workspace"])
}

extension WorkspaceInput {
    static let schema = Schema.object(["name": Schema.name], required: ["name"])
}

extension ChangePasswordInput {
    static let schema = Schema.object(["currentPassword": Schema.string(max: Limits.password, min: 1),
                                       "newPassword": Schema.string(max: Limits.password, min: 10)], required: ["currentPassword", "newPassword"])
}
