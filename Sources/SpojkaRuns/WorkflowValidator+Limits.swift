import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension WorkflowValidator {
    /// Bounded numbers on every node (`timeoutSeconds`, `retry`), and references to members and workflows.
    func limitProblems(_ id: String, _ type: String, _ node: JSONValue, references: References) -> [(path: String, message: String)] {
        let config = node["config"] ?? .object([:])
        var out: [(path: String, message: String)] = []
        for (path, value) in [("nodes.\(id).timeoutSeconds", node["timeoutSeconds"]), ("nodes.\(id).config.timeoutSeconds", config["timeoutSeconds"])] {
            if type != "trigger", let problem = NodeLimits.numberProblem(value, 0.001...NodeLimits.maxSeconds) { out.append((path, problem)) }
        }
        if let retry = node["retry"] ?? config["retry"] {
            let path = node["retry"] != nil ? "nodes.\(id).retry" : "nodes.\(id).config.retry"
            if retry.objectValue == nil { out.append((path, "must be an object {maxAttempts, backoff}")) }
            if let problem = NodeLimits.numberProblem(retry["maxAttempts"], 1...10, integer: true) { out.append((path + ".maxAttempts", problem)) }
            if let problem = NodeLimits.numberProblem(retry["backoff"], 0...3600) { out.append((path + ".backoff", problem)) }
        }
        switch type {
        case "human":
            let path = "nodes.\(id).config"
            if let problem = NodeLimits.numberProblem(config["timeoutMinutes"], 1...(NodeLimits.maxSeconds / 60)) { out.append((path + ".timeoutMinutes", problem)) }
            for (index, user) in (config["approvers"]?["users"]?.arrayValue ?? []).enumerated()
            where !(user.stringValue.map(references.members.contains) ?? false) {
                out.append(("\(path).approvers.users[\(index)]", "\(Template.text(of: user)) is not a member of this workspace"))
            }
        case "subworkflow":
            if let workflow = config["workflow"]?.stringValue, ID<Workflow>(validating: workflow) != nil, !references.workflows.contains(workflow) {
                out.append(("nodes.\(id).config.workflow", "workflow \(workflow) does not exist in this workspace"))
            }
        default: break
        }
        return out
    }

    /// The largest coordinate a node's canvas `position` may have (either sign).
    public static let maxCoordinate = 1_000_000.0

    /// A node's optional canvas `position`: `{x, y}`, finite numbers within ±`maxCoordinate` (the designer's layout).
    static func positionProblems(_ id: String, _ position: JSONValue?) -> [(path: String, message: String)] {
        guard let position, position != .null else { return [] }
        let path = "nodes.\(id).position"
        guard let members = position.objectValue else { return [(path, "must be an object {x, y}")] }
        var out: [(path: String, message: String)] = members.keys.filter { $0 != "x" && $0 != "y" }.sorted().map { (path + ".\($0)", "is not a position field (x, y)") }
        for axis in ["x", "y"] {
            guard let value = members[axis]?.doubleValue, value.isFinite, abs(value) <= maxCoordinate else {
                out.append((path + "." + axis, "must be a number from -1000000 to 1000000")); continue
            }
        }
        return out
    }

    /// A response node's literal status and headers (templates are checked when they have values, at run time).
    func responseProblems(_ path: String, _ config: JSONValue) -> [(path: String, message: String)] {
        var out: [(path: String, message: String)] = []
        if let status = config["status"], !Self.containsTemplate(status), case .failure(let problem) = NodeLimits.status(status) {
            out.append((path + ".status", problem.message))
        }
        switch config["headers"] {
        case nil, .null?: break
        case .string(let s)? where Template.isTemplate(s): break
        case .object(let members)?:
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                let text = Self.containsTemplate(value) ? "" : Template.text(of: value)
                if let problem = NodeLimits.headerProblem(name: name, value: text) { out.append(("\(path).headers.\(name)", problem)) }
            }
        default: out.append((path + ".headers", "must be an object of header names to values (or a template)"))
        }
        return out
    }
}

extension WorkflowService {
    /// The connections, approvers and subworkflows a definition names, as they exist in the workspace now.
    static func references(_ definition: JSONValue, connections referenced: Set<String>, in workspace: ID<Workspace>,
                           _ tx: any StoreTransaction) async throws -> WorkflowValidator.References {
        var references = WorkflowValidator.References()
        for id in referenced {
            if let c = try await tx.connection(ID(rawValue: id), in: workspace), c.deletedAt == nil { references.connections[id] = c }
        }
        for node in definition["nodes"]?.arrayValue ?? [] {
            let config = node["config"] ?? .null
            for user in (config["approvers"]?["users"]?.arrayValue ?? []).compactMap(\.stringValue) {
                if let id = ID<User>(validating: user), try await tx.membership(workspace, id) != nil { references.members.insert(user) }
            }
            if node["type"]?.stringValue == "subworkflow", let workflow = config["workflow"]?.stringValue,
               let id = ID<Workflow>(validating: workflow), try await tx.workflow(id, in: workspace) != nil {
                references.workflows.insert(workflow)
            }
        }
        return references
    }
}
