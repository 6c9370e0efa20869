import SpojkaConnectorKit
import SpojkaCore

/// Checks a workflow definition at save: structure, handles, cycles, connections, tool arguments, templates.
public struct WorkflowValidator: Sendable {
    /// Node types of DESIGN §7.
    public static let nodeTypes: Set<String> = ["trigger", "connector", "transform", "condition", "loop", "parallel", "human", "subworkflow", "response"]
    let catalogs: LiveCatalog
    var catalog: Catalog { catalogs.current }

    /// Creates a validator over the connector catalog in force.
    public init(catalog: LiveCatalog) { self.catalogs = catalog }

    /// What a definition may refer to in its workspace, read at save time.
    public struct References: Sendable {
        /// Live (not deleted) connections by ID.
        public var connections: [String: Connection]
        /// IDs of the workspace's members (approvers must be among them).
        public var members: Set<String>
        /// IDs of the workspace's workflows (subworkflow nodes must name one).
        public var workflows: Set<String>

        /// Creates the references.
        public init(connections: [String: Connection] = [:], members: Set<String> = [], workflows: Set<String> = []) {
            self.connections = connections; self.members = members; self.workflows = workflows
        }
    }

    /// Every connection ID the definition references (connector nodes and a webhook trigger's signing connection).
    public static func connectionIDs(_ definition: JSONValue) -> Set<String> {
        Set((definition["nodes"]?.arrayValue ?? []).flatMap { node in
            [node["config"]?["connection"]?.stringValue, node["config"]?["signing"]?.stringValue].compactMap { $0 }
        })
    }

    /// Every problem, each naming the node and field, against what the workspace holds.
    public func problems(_ definition: JSONValue, references: References) -> [(path: String, message: String)] {
        let connections = references.connections
        var out: [(path: String, message: String)] = []
        guard let name = definition["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            return [("name", "is required")]
        }
        let nodes = definition["nodes"]?.arrayValue ?? []
        var types: [String: String] = [:]
        for (index, node) in nodes.enumerated() {
            guard let id = node["id"]?.stringValue, !id.isEmpty else { out.append(("nodes[\(index)].id", "is required")); continue }
            let type = node["type"]?.stringValue ?? ""
            if types[id] != nil { out.append(("nodes.\(id).id", "is used by more than one node")) }
            types[id] = type
            guard Self.nodeTypes.contains(type) else { out.append(("nodes.\(id).type", "must be one of \(Self.nodeTypes.sorted().joined(separator: ", "))")); continue }
            out += nodeProblems(id, type, node["config"] ?? .object([:]), connections: connections)
            out += limitProblems(id, type, node, references: references)
            out += Self.positionProblems(id, node["position"])
            out += templateProblems(node["config"] ?? .null, path: "nodes.\(id).config")
        }
        if let problem = NodeLimits.numberProblem(definition["timeoutSeconds"], 1...NodeLimits.maxSeconds) { out.append(("timeoutSeconds", problem)) }
        out += EnvironmentGuard.problems(definition, connections: connections)
        let triggers = types.values.filter { $0 == "trigger" }.count
        if triggers != 1 { out.append(("nodes", "must have exactly one trigger node (found \(triggers))")) }
        out += edgeProblems(definition["edges"]?.arrayValue ?? [], types: types, nodes: nodes)
        if out.isEmpty { out += CompiledWorkflow.crossingProblems(definition) }
        return out
    }

    func nodeProblems(_ id: String, _ type: String, _ config: JSONValue, connections: [String: Connection]) -> [(path: String, message: String)] {
        let path = "nodes.\(id).config"
        switch type {
        case "trigger": return triggerProblems(path, config, connections: connections)
        case "connector": return connectorProblems(path, config, connections: connections)
        case "parallel":
            guard let n = config["branches"]?.doubleValue, n >= 1, n <= 100, n.rounded() == n else { return [(path + ".branches", "must be an integer from 1 to 100")] }
            return []
        case "loop": return loopProblems(path, config)
        case "condition": return conditionProblems(path, config)
        case "human":
            let roles = (config["approvers"]?["roles"]?.arrayValue ?? []).compactMap(\.stringValue)
            return roles.filter { Role(rawValue: $0) == nil }.map { (path + ".approvers.roles", "\($0) is not a role (owner, admin, member, viewer)") }
        case "subworkflow":
            return ID<Workflow>(validating: config["workflow"]?.stringValue ?? "") == nil ? [(path + ".workflow", "must be a workflow ID (wf_…)")] : []
        case "response": return responseProblems(path, config)
        default: return []
        }
    }

    func connectorProblems(_ path: String, _ config: JSONValue, connections: [String: Connection]) -> [(path: String, message: String)] {
        guard let key = config["connector"]?.stringValue, var manifest = catalog.connector(key) else {
            return [(path + ".connector", "is not a connector of the catalog")]
        }
        if manifest.discovery != nil {
            // Tools discovered by the connection (a remote MCP server): check against its discovered set.
            guard let id = config["connection"]?.stringValue, let connection = connections[id], connection.connector == key else {
                return [(path + ".connection", config["connection"] == nil ? "connector \(key) needs a connection"
                                                                          : "is not a \(key) connection of this workspace")]
            }
            manifest = manifest.toolSet(for: connection)
            guard let toolName = config["tool"]?.stringValue, manifest.tool(toolName) != nil else {
                return [(path + ".tool", "connection \(id) has no such tool among its discovered tools (verify it to refresh them)")]
            }
        }
        guard let toolName = config["tool"]?.stringValue, let tool = manifest.tool(toolName) else {
            return [(path + ".tool", "connector \(key) has no such tool")]
        }
        var out: [(path: String, message: String)] = []
        if let connectionID = config["connection"]?.stringValue {
            if manifest.isUtility { out.append((path + ".connection", "utility connectors take no connection")) }
            else if let connection = connections[connectionID] {
                if connection.connector != key { out.append((path + ".connection", "connection \(connectionID) belongs to \(connection.connector), not \(key)")) }
                else if let policy = connection.toolPolicy, !policy.allows(toolName, readOnlyHint: tool.annotations?.readOnlyHint == true) {
                    out.append((path + ".tool", "the tool policy of connection \(connectionID) does not allow \(toolName)"))
                }
            } else { out.append((path + ".connection", "connection \(connectionID) does not exist in this workspace")) }
        } else if !manifest.isUtility && key != "http" {
            out.append((path + ".connection", "connector \(key) needs a connection"))
        }
        out += argumentProblems(path + ".arguments", config["arguments"] ?? .object([:]), schema: tool.inputSchema)
        return out
    }

    /// Validates the literal arguments; members holding templates are checked at run time.
    func argumentProblems(_ path: String, _ arguments: JSONValue, schema: JSONValue) -> [(path: String, message: String)] {
        guard let members = arguments.objectValue else { return [(path, "must be an object")] }
        let literal = members.filter { !Self.containsTemplate($0.value) }
        let templated = members.count != literal.count
        guard let compiled = try? JSONSchema(schema) else { return [] }
        return compiled.validate(.object(literal)).filter { !(templated && $0.keyword == "required") }.map {
            (path + $0.instancePath.replacingOccurrences(of: "/", with: "."), $0.message)
        }
    }

    func templateProblems(_ value: JSONValue, path: String) -> [(path: String, message: String)] {
        switch value {
        case .string(let s) where Template.isTemplate(s):
            do { _ = try Template(s); return [] } catch { return [(path, "template does not parse: \(error)")] }
        case .array(let items): return items.enumerated().flatMap { templateProblems($0.element, path: "\(path)[\($0.offset)]") }
        case .object(let members): return members.flatMap { templateProblems($0.value, path: "\(path).\($0.key)") }
        default: return []
        }
    }

    static func containsTemplate(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s): return Template.isTemplate(s)
        case .array(let items): return items.contains(where: containsTemplate)
        case .object(let members): return members.values.contains(where: containsTemplate)
        default: return false
        }
    }
}
