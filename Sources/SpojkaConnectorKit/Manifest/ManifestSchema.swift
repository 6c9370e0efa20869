import Foundation
import SpojkaCore

/// The JSON Schema of the manifest format, shipped with the product (`spojka connectors schema` prints it).
public enum ManifestSchema {
    /// The schema as JSON text.
    public static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "https://spojka.dev/schemas/connector-manifest.json",
      "title": "Spojka connector manifest",
      "type": "object",
      "required": ["key", "name", "category", "description", "version", "auth", "tools"],
      "additionalProperties": false,
      "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "maxLength": 64},
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "category": {"enum": ["E-commerce", "Communication", "Payments", "Email", "Developer", "Databases", "Utilities", "Productivity", "Marketing", "Storage"]},
        "description": {"type": "string", "minLength": 1},
        "version": {"type": "string", "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$"},
        "docsUrl": {"type": "string", "pattern": "^https://"},
        "changelog": {"type": "array", "items": {
          "type": "object", "required": ["version", "changes"], "additionalProperties": false,
          "properties": {"version": {"type": "string", "minLength": 1}, "date": {"type": "string", "format": "date"},
                         "changes": {"type": "array", "items": {"type": "string", "minLength": 1}}}}},
        "auth": {"$ref": "#/$defs/auth"},
        "settings": {"$ref": "#/$defs/objectSchema"},
        "serviceUrl": {"type": "string", "pattern": "^(https?://|\\{\\{)"},
        "verify": {
          "type": "object", "additionalProperties": false,
          "properties": {
            "tool": {"$ref": "#/$defs/snake"}, "arguments": {"type": "object"},
            "request": {"$ref": "#/$defs/request"}, "account": {"type": "string"}
          },
          "oneOf": [{"required": ["tool"]}, {"required": ["request"]}]
        },
        "tools": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/tool"}},
        "errors": {"type": "object", "required": ["when"], "additionalProperties": false,
                   "properties": {"when": {"type": "string"}, "message": {"type": "string"}, "authRejected": {"type": "string"}}},
        "discovery": {"type": "object", "required": ["tools", "implementation"], "additionalProperties": false,
                      "properties": {"tools": {"type": "string"}, "implementation": {"type": "string", "pattern": "^[a-z0-9-]+\\.[a-z0-9_]+$"}}}
      },
      "$defs": {
        "snake": {"type": "string", "pattern": "^[a-z][a-z0-9]*(_[a-z0-9]+)*$", "maxLength": 64},
        "objectSchema": {"type": "object", "properties": {"type": {"const": "object"}}, "required": ["type"]},
        "auth": {
          "type": "object", "required": ["type"], "additionalProperties": false,
          "properties": {
            "type": {"enum": ["oauth2", "api_key", "basic", "webhook", "none"]},
            "fields": {"$ref": "#/$defs/objectSchema"},
            "apply": {"type": "array", "items": {
              "type": "object", "required": ["in"], "additionalProperties": false,
              "properties": {
                "in": {"enum": ["header", "query", "basic"]}, "name": {"type": "string"}, "value": {"type": "string"},
                "username": {"type": "string"}, "password": {"type": "string"}, "when": {"type": "string"}
              },
              "if": {"properties": {"in": {"const": "basic"}}},
              "then": {"required": ["username", "password"]},
              "else": {"required": ["name", "value"]}
            }},
            "crossOrigin": {"enum": ["refuse", "omitCredentials"]},
            "oauth2": {"type": "object", "additionalProperties": false, "properties": {
              "authorizationUrl": {"type": "string"}, "tokenUrl": {"type": "string"}, "userinfoUrl": {"type": "string"},
              "scopes": {"type": "array", "items": {"type": "string"}}, "pkce": {"type": "boolean"},
              "grants": {"type": "array", "items": {"enum": ["authorization_code", "client_credentials"]}},
              "accessTokenField": {"type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9]*$"}, "dialect": {"enum": ["shopify"]}
            }}
          },
          "if": {"properties": {"type": {"enum": ["api_key", "basic", "webhook"]}}},
          "then": {"required": ["fields"]}
        },
        "tool": {
          "type": "object", "additionalProperties": false,
          "required": ["name", "title", "description", "inputSchema", "outputSchema"],
          "properties": {
            "name": {"$ref": "#/$defs/snake"},
            "title": {"type": "string", "minLength": 1},
            "description": {"type": "string", "minLength": 1},
            "inputSchema": {"$ref": "#/$defs/objectSchema"},
            "outputSchema": {"type": "object"},
            "annotations": {"type": "object", "additionalProperties": false, "properties": {
              "readOnlyHint": {"type": "boolean"}, "destructiveHint": {"type": "boolean"},
              "idempotentHint": {"type": "boolean"}, "openWorldHint": {"type": "boolean"}
            }},
            "request": {"$ref": "#/$defs/request"},
            "implementation": {"type": "string", "pattern": "^[a-z0-9-]+\\.[a-z0-9_]+$"},
            "examples": {"type": "array", "items": {"type": "object"}}
          },
          "oneOf": [{"required": ["request"]}, {"required": ["implementation"]}]
        },
        "request": {
          "type": "object", "required": ["method", "path"], "additionalProperties": false,
          "properties": {
            "method": {"anyOf": [{"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]}, {"type": "string", "pattern": "^\\{\\{.*\\}\\}$"}]},
            "path": {"type": "string"},
            "query": {"type": "object"},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "headersFrom": {"type": "string"},
            "json": true,
            "form": {"type": "object"},
            "graphql": {"type": "object", "required": ["query"], "additionalProperties": false,
                        "properties": {"query": {"type": "string"}, "variables": {"type": "object"}}},
            "pagination": {"type": "object", "required": ["style"], "additionalProperties": false, "properties": {
              "style": {"enum": ["cursor", "page", "link"]}, "items": {"type": "string"}, "next": {"type": "string"},
              "param": {"type": "string"}, "maxPages": {"type": "integer", "minimum": 1, "maximum": 100}
            }},
            "output": {"type": "string"}
          }
        }
      }
    }
    """#

    /// The compiled schema, or why it does not compile (a build defect the manifest tests catch).
    public static let compiled: Result<JSONSchema, any Error> = Result {
        try JSONSchema(JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
    }
}
