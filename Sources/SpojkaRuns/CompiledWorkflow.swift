import Foundation
import SpojkaCore

/// An edge of the graph; `handle` is the source's named output (`nil`: its single output).
struct Edge: Sendable, Hashable {
    let from: String
    let handle: String?
    let to: String
}

/// A node with its configuration compiled for execution.
struct CompiledNode: Sendable {
    enum Kind: Sendable {
        case trigger
        case connector(connector: String, tool: String, connection: String?, arguments: CompiledValue)
        case transform(template: CompiledValue, iterate: CompiledValue?)
        case condition(CompiledCondition)
        case forEach(CompiledValue)
        case whileLoop(CompiledCondition, max: Int)
        case times(CompiledValue)
        case parallel(Int)
        case human(message: CompiledValue, users: Set<String>, roles: Set<String>, timeoutMinutes: Double?)
        case subworkflow(workflow: String, input: CompiledValue)
        case response(status: CompiledValue, headers: CompiledValue, body: CompiledValue)
    }

    let id: String
    let type: String
    let kind: Kind
    let outputVariable: String?
    let itemVariable: String
    let indexVariable: String
    let maxAttempts: Int
    let backoffSeconds: Double
    let timeout: Duration?
    let continueOnError: Bool

    var isLoop: Bool {
        switch kind {
        case .forEach, .whileLoop, .times: true
        default: false
        }
    }
}

/// A workflow definition ready to run: nodes compiled, loop bodies and join counts precomputed.
struct CompiledWorkflow: Sendable {
    let nodes: [String: CompiledNode]
    let outgoing: [String: [Edge]]
    let trigger: String
    /// The innermost loop whose body holds a node (`nil`: the top level).
    let scope: [String: String]
    /// Per scope (`""` is the top level), how many scheduling edges lead into each node.
    let indegree: [String: [String: Int]]
    /// Per loop, the body nodes whose output is an iteration's result.
    let tails: [String: [String]]
    /// The whole run's time limit.
    let timeout: Duration?

    /// Compiles a definition that passed save-time validation; throws a validation error otherwise.
    init(_ definition: JSONValue) throws {
        var nodes: [String: CompiledNode] = [:]
        var problems: [(path: String, message: String)] = []
        for node in definition["nodes"]?.arrayValue ?? [] {
            guard let id = node["id"]?.stringValue else { continue }
            do { nodes[id] = try Self.compile(node, id: id) } catch {
                problems.append(("nodes.\(id).config", "\(error)"))
            }
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        let edges = (definition["edges"]?.arrayValue ?? []).compactMap { e -> Edge? in
            guard let from = e["from"]?.stringValue, let to = e["to"]?.stringValue else { return nil }
            return Edge(from: from, handle: e["handle"]?.stringValue, to: to)
        }
        self.nodes = nodes
        self.outgoing = Dictionary(grouping: edges, by: \.from)
        guard let trigger = nodes.values.first(where: { $0.type == "trigger" })?.id else {
            throw SpojkaError.validation([("nodes", "must have exactly one trigger node (found 0)")])
        }
        self.trigger = trigger
        let scope = Self.scopes(nodes: nodes, outgoing: outgoing)
        self.scope = scope
        var indegree: [String: [String: Int]] = [:]
        for edge in edges where !(nodes[edge.to]?.isLoop == true && scope[edge.from] == edge.to) {
            indegree[scope[edge.to] ?? "", default: [:]][edge.to, default: 0] += 1
        }
        self.indegree = indegree
        var tails: [String: [String]] = [:]
        for (id, loop) in scope {
            let out = outgoing[id] ?? []
            if out.allSatisfy({ $0.to == loop }) { tails[loop, default: []].append(id) }
        }
        self.tails = tails.mapValues { $0.sorted() }
        self.timeout = NodeLimits.duration(seconds: definition["timeoutSeconds"]?.doubleValue)
    }

    /// Edges that cross a loop body's boundary (other than entering through `body` and returning to the loop).
    static func crossingProblems(_ definition: JSONValue) -> [(path: String, message: String)] {
        guard let compiled = try? CompiledWorkflow(definition) else { return [] }
        var out: [(path: String, message: String)] = []
        for (index, edge) in (definition["edges"]?.arrayValue ?? []).enumerated() {
            guard let from = edge["from"]?.stringValue, let to = edge["to"]?.stringValue,
                  compiled.nodes[from] != nil, compiled.nodes[to] != nil else { continue }
            let (a, b) = (compiled.scope[from], compiled.scope[to])
            let entering = edge["handle"]?.stringValue == "body" && b == from
            let returning = compiled.nodes[to]?.isLoop == true && a == to
            if a != b && !entering && !returning {
                out.append(("edges[\(index)]", "edge \(from) → \(to) crosses the boundary of a loop body"))
            }
        }
        return out
    }

    /// The innermost enclosing loop of every node inside a loop body.
    static func scopes(nodes: [String: CompiledNode], outgoing: [String: [Edge]]) -> [String: String] {
        var bodies: [String: Set<String>] = [:]
        for (id, node) in nodes where node.isLoop {
            var seen: Set<String> = []
            var stack = (outgoing[id] ?? []).filter { $0.handle == "body" }.map(\.to)
            while let next = stack.popLast() {
                guard next != id, seen.insert(next).inserted else { continue }
                stack += (outgoing[next] ?? []).map(\.to)
            }
            bodies[id] = seen
        }
        var scope: [String: String] = [:]
        for id in nodes.keys {
            let enclosing = bodies.filter { $0.value.contains(id) }
            if let innermost = enclosing.min(by: { ($0.value.count, $0.key) < ($1.value.count, $1.key) }) { scope[id] = innermost.key }
        }
        return scope
    }

    static func compile(_ node: JSONValue, id: String) throws -> CompiledNode {
        let type = node["type"]?.stringValue ?? ""
        let c = node["config"] ?? .object([:])
        let kind: CompiledNode.Kind
        switch type {
        case "trigger": kind = .trigger
        case "connector":
            kind = .connector(connector: c["connector"]?.stringValue ?? "", tool: c["tool"]?.stringValue ?? "",
                              connection: c["connection"]?.stringValue, arguments: try CompiledValue(c["arguments"] ?? .object([:])))
        case "transform":
            kind = .transform(template: try CompiledValue(c["template"] ?? .null), iterate: try c["iterate"].map(CompiledValue.init))
        case "condition": kind = .condition(try CompiledCondition(c))
        case "loop":
            switch c["mode"]?.stringValue {
            case "forEach": kind = .forEach(try CompiledValue(c["array"] ?? .array([])))
            case "while":
                kind = .whileLoop(try CompiledCondition(c["condition"] ?? .object([:])), max: Int(NodeLimits.clamp(c["maxIterations"], 0...100_000, default: 100)))
            default: kind = .times(try CompiledValue(c["count"] ?? .int(0)))
            }
        case "parallel": kind = .parallel(Int(NodeLimits.clamp(c["branches"], 1...100, default: 1)))
        case "human":
            kind = .human(message: try CompiledValue(c["message"] ?? .string("")),
                          users: Set((c["approvers"]?["users"]?.arrayValue ?? []).compactMap(\.stringValue)),
                          roles: Set((c["approvers"]?["roles"]?.arrayValue ?? []).compactMap(\.stringValue)),
                          timeoutMinutes: c["timeoutMinutes"]?.doubleValue)
        case "subworkflow": kind = .subworkflow(workflow: c["workflow"]?.stringValue ?? "", input: try CompiledValue(c["input"] ?? .object([:])))
        default:
            kind = .response(status: try CompiledValue(c["status"] ?? .int(200)), headers: try CompiledValue(c["headers"] ?? .object([:])),
                             body: try CompiledValue(c["body"] ?? .null))
        }
        let seconds = (node["timeoutSeconds"] ?? c["timeoutSeconds"])?.doubleValue
        let retry = node["retry"] ?? c["retry"]
        return CompiledNode(id: id, type: type, kind: kind, outputVariable: node["outputVariable"]?.stringValue ?? c["outputVariable"]?.stringValue,
                            itemVariable: c["itemVariable"]?.stringValue ?? "item", indexVariable: c["indexVariable"]?.stringValue ?? "index",
                            maxAttempts: Int(NodeLimits.clamp(retry?["maxAttempts"], 1...10, default: 1)),
                            backoffSeconds: NodeLimits.clamp(retry?["backoff"], 0...3600, default: 1),
                            timeout: type == "trigger" ? nil : NodeLimits.duration(seconds: seconds),
                            continueOnError: (node["onError"] ?? c["onError"])?.stringValue == "continue")
    }
}
