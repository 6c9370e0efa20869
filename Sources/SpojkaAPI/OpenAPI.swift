import SpojkaCore

/// Builds the OpenAPI 3.1 document from the registered routes, so it cannot drift from them.
enum OpenAPIDocument {
    static func build(_ routes: [RouteDoc]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            var item = paths[route.path]?.objectValue ?? [:]
            item[route.method.lowercased()] = operation(route)
            paths[route.path] = .object(item)
        }
        return .object([
            "openapi": "3.1.0",
            "info": .object(["title": "Spojka API", "version": "1.0.0",
                             "description": "Workflows call tools through connections, by ID. Errors are {\"error\":{\"code\",\"message\",\"details\"}}."]),
            "paths": .object(paths),
            "components": .object([
                "securitySchemes": .object(["bearer": .object(["type": "http", "scheme": "bearer"])]),
                "schemas": .object(["Error": errorSchema]),
            ]),
        ])
    }

    static func operation(_ route: RouteDoc) -> JSONValue {
        var success: [String: JSONValue] = ["description": route.success == 204 ? "No content" : "Success"]
        if route.success != 204 {
            success["content"] = .object([responseType(route.path): .object(["schema": responseSchema(route.path)])])
        }
        var errorContent: [String: JSONValue] = ["application/json": .object(["schema": .object(["$ref": "#/components/schemas/Error"])])]
        if responseType(route.path) != "application/json" { errorContent[responseType(route.path)] = .object(["schema": ["type": "string"]]) }
        var responses: [String: JSONValue] = [
            String(route.success): .object(success),
            "default": .object(["description": "Error", "content": .object(errorContent)]),
        ]
        // Other successes of the same shape (e.g. 200 instead of 202 when a run is awaited).
        if route.success != 204 { responses["2XX"] = .object(success) }
        var op: [String: JSONValue] = [
            "summary": .string(route.summary),
            "tags": .array([.string(route.tag)]),
            "operationId": .string(operationID(route)),
            "responses": .object(responses),
        ]
        if route.authenticated { op["security"] = .array([.object(["bearer": .array([])])]) } else { op["security"] = .array([]) }
        let pathParams = route.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
        let params = pathParams.map { parameter($0, in: "path", required: true) } + route.queryParameters.map { parameter($0, in: "query", required: false) }
        if !params.isEmpty { op["parameters"] = .array(params) }
        if let fields = route.bodyFields {
            // Every accepted field is documented, typed where the body schema says how.
            var schema = route.bodySchema?.objectValue ?? ["type": "object", "additionalProperties": false]
            var properties = schema["properties"]?.objectValue ?? [:]
            for field in fields where properties[field] == nil { properties[field] = .object([:]) }
            schema["properties"] = .object(properties)
            op["requestBody"] = .object(["required": true, "content": .object([
                "application/json": .object(["schema": .object(schema)]),
            ])])
        }
        return .object(op)
    }

    /// The media type of a route's successful answer.
    static func responseType(_ path: String) -> String {
        switch path {
        case "/metrics": "text/plain"
        case "/oauth/callback": "text/html"
        case "/api/v1/connectors/{key}/icon": "image/svg+xml"
        default: "application/json"
        }
    }

    static func responseSchema(_ path: String) -> JSONValue {
        responseType(path) == "application/json" ? ["type": "object"] : ["type": "string"]
    }

    static func parameter(_ name: String, in location: String, required: Bool) -> JSONValue {
        let schema: JSONValue = switch (location, name) {
        case ("query", "limit"): ["type": "integer", "minimum": 1, "maximum": 200]
        case ("query", "force"): ["type": "boolean"]
        case ("query", _): ["type": "string", "maxLength": 1000]
        default: ["type": "string", "minLength": 1, "maxLength": .int(Limits.key)]
        }
        return .object(["name": .string(name), "in": .string(location), "required": .bool(required), "schema": schema])
    }

    static func operationID(_ route: RouteDoc) -> String {
        route.method.lowercased() + route.path.split(separator: "/").dropFirst(2).map { part in
            let clean = part.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "")
            return clean.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }.joined()
    }

    static let errorSchema: JSONValue = .object([
        "type": "object", "required": .array(["error"]),
        "properties": .object(["error": .object([
            "type": "object", "required": .array(["code", "message"]),
            "properties": .object(["code": .object(["type": "string"]), "message": .object(["type": "string"]),
                                   "details": .object(["type": "object"])]),
        ])]),
    ])
}
