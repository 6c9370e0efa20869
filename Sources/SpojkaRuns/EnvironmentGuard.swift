import SpojkaCore

extension SpojkaError.Code {
    /// A non-production workflow's connector node reached a production connection without `allowProduction`.
    public static let productionConnectionRefused: Self = "production_connection_refused"
}

/// The environment guard: a workflow that is not `production` keeps off `production` connections unless the node says
/// `"allowProduction": true`; a `production` workflow on a non-production connection is allowed with a warning.
public enum EnvironmentGuard {
    /// The workflow's environment: `production` when the definition names none; `nil` when it names an unknown one.
    public static func environment(of definition: JSONValue) -> Connection.Environment? {
        switch definition["environment"] {
        case nil, .null?: return .production
        case .string(let name)?: return Connection.Environment(rawValue: name)
        default: return nil
        }
    }

    /// Whether the node explicitly allows a production connection in a non-production workflow.
    public static func allowsProduction(_ node: JSONValue) -> Bool { node["allowProduction"]?.boolValue == true }

    /// Why node `node` may not use `connection` in a workflow of `environment`; `nil` when it may.
    public static func refusal(node: String, connection: Connection, environment: Connection.Environment, allowProduction: Bool) -> String? {
        guard environment != .production, connection.environment == .production, !allowProduction else { return nil }
        return "node \(node) of a \(environment.rawValue) workflow uses the production connection \(connection.id) (\(connection.name));"
            + " use a \(environment.rawValue) connection, or set \"allowProduction\": true on the node"
    }

    /// The definition's environment problems against the connections it names (live ones, by ID).
    static func problems(_ definition: JSONValue, connections: [String: Connection]) -> [(path: String, message: String)] {
        guard let environment = environment(of: definition) else { return [("environment", "must be production, staging or development")] }
        var out: [(path: String, message: String)] = []
        for node in connectorNodes(definition) {
            if let flag = node.json["allowProduction"], flag.boolValue == nil, flag != .null {
                out.append(("nodes.\(node.id).allowProduction", "must be true or false"))
            }
            if let reason = refusal(node, environment: environment, connections: connections) {
                out.append(("nodes.\(node.id).config.connection", reason))
            }
        }
        return out
    }

    /// Why connector node `node` may not use its connection (looked up in `connections`, live ones by ID); `nil` when it may.
    static func refusal(_ node: (id: String, connection: String, json: JSONValue), environment: Connection.Environment,
                        connections: [String: Connection]) -> String? {
        connections[node.connection].flatMap {
            refusal(node: node.id, connection: $0, environment: environment, allowProduction: allowsProduction(node.json))
        }
    }

    /// Warnings for a production workflow whose connector nodes use non-production connections.
    public static func warnings(_ definition: JSONValue, connections: [String: Connection]) -> [(path: String, message: String)] {
        guard environment(of: definition) == .production else { return [] }
        return connectorNodes(definition).compactMap { node in
            guard let connection = connections[node.connection], connection.environment != .production else { return nil }
            return ("nodes.\(node.id).config.connection",
                    "node \(node.id) of a production workflow uses the \(connection.environment.rawValue) connection \(connection.id) (\(connection.name))")
        }
    }

    /// The IDs of connector nodes that set `allowProduction` (recorded in the audit log at save).
    static func allowingNodes(_ definition: JSONValue) -> [String] {
        connectorNodes(definition).filter { allowsProduction($0.json) }.map(\.id)
    }

    /// What the run-time check needs about node `id` of a definition: the workflow's environment and the node's flag.
    static func admission(_ definition: JSONValue, node id: String) -> (environment: Connection.Environment, allowProduction: Bool) {
        let environment = environment(of: definition) ?? .production
        guard environment != .production else { return (environment, false) }
        let node = (definition["nodes"]?.arrayValue ?? []).first { $0["id"]?.stringValue == id }
        return (environment, node.map(allowsProduction) ?? false)
    }

    static func connectorNodes(_ definition: JSONValue) -> [(id: String, connection: String, json: JSONValue)] {
        (definition["nodes"]?.arrayValue ?? []).compactMap { node in
            guard node["type"]?.stringValue == "connector", let id = node["id"]?.stringValue,
                  let connection = node["config"]?["connection"]?.stringValue else { return nil }
            return (id, connection, node)
        }
    }
}
