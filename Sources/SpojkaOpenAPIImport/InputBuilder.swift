import SpojkaCore

/// Collects a tool's arguments and where each goes in the request (path, query, header or body).
struct InputBuilder {
    var pathTemplate: String
    var properties: [String: JSONValue] = [:]
    var required: [String] = []
    var query: [String: JSONValue] = [:]
    var headers: [String: String] = [:]
    var optionalHeaders: [(header: String, argument: String)] = []
    var json: JSONValue?
    var form: JSONValue?

    init(path: String) { pathTemplate = path }

    /// The tool's input schema.
    var schema: JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        return .object(schema)
    }

    /// Declares an argument and returns the JMESPath that reads it (`arguments.name`); a name already
    /// taken by another location is prefixed with the location (`header_id`).
    mutating func argument(_ name: String, location: String, schema: JSONValue, required isRequired: Bool) -> String {
        var key = name
        if properties[key] != nil { key = Naming.snake(location + "_" + name) }
        var counter = 2
        while properties[key] != nil { key = Naming.snake("\(location)_\(name)_\(counter)"); counter += 1 }
        properties[key] = schema
        if isRequired { required.append(key) }
        return "arguments." + Naming.jmes(key)
    }

    /// Maps a body: an object body's properties become arguments of their own (when no name clashes
    /// with a parameter), any other JSON body is one `body` argument; false for a form body that is not an object.
    mutating func addBody(_ schema: JSONValue, required isRequired: Bool, form asForm: Bool) -> Bool {
        let bodyProperties = schema["properties"]?.objectValue ?? [:]
        let flat = MediaTypes.isObjectSchema(schema) && !bodyProperties.isEmpty
            && schema["allOf"] == nil && schema["anyOf"] == nil && schema["oneOf"] == nil
            && bodyProperties.keys.allSatisfy { properties[$0] == nil }
        if asForm && !flat { return false }
        var template: JSONValue
        if flat {
            let requiredInBody = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            var members: [String: JSONValue] = [:]
            for key in bodyProperties.keys.sorted() {
                let property = bodyProperties[key] ?? [:]
                if property["readOnly"] == true { continue }
                // The body's own required list applies: an object body is how these operations take their input.
                members[key] = .string("{{ \(argument(key, location: "body", schema: property, required: requiredInBody.contains(key))) }}")
            }
            template = .object(members)
        } else {
            template = .string("{{ \(argument("body", location: "request", schema: schema, required: isRequired)) }}")
        }
        if asForm { form = template } else { json = template }
        return true
    }
}
