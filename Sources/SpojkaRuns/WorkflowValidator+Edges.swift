import SpojkaCore

extension WorkflowValidator {
    /// Edges must join existing nodes through the handles their source type has; cycles only through loops.
    func edgeProblems(_ edges: [JSONValue], types: [String: String], nodes: [JSONValue]) -> [(path: String, message: String)] {
        var out: [(path: String, message: String)] = []
        var graph: [String: [String]] = [:]
        for (index, edge) in edges.enumerated() {
            let from = edge["from"]?.stringValue ?? "", to = edge["to"]?.stringValue ?? ""
            let path = "edges[\(index)]"
            guard let fromType = types[from] else { out.append((path + ".from", "node \(from) does not exist")); continue }
            guard let toType = types[to] else { out.append((path + ".to", "node \(to) does not exist")); continue }
            if toType == "trigger" { out.append((path + ".to", "nothing may lead into the trigger")) }
            let handle = edge["handle"]?.stringValue
            let allowed = handles(fromType, node: nodes.first { $0["id"]?.stringValue == from })
            if let allowed, !allowed.contains(handle ?? "") {
                out.append((path + ".handle", "node \(from) (\(fromType)) has handles \(allowed.sorted().joined(separator: ", "))"))
            } else if allowed == nil, let handle {
                out.append((path + ".handle", "node \(from) (\(fromType)) has no handle \(handle)"))
            }
            // Edges back into a loop node close its body; they are the only cycles allowed.
            if toType != "loop" { graph[from, default: []].append(to) }
        }
        if let cycle = firstCycle(graph) { out.append(("edges", "cycle outside a loop body through \(cycle.joined(separator: " → "))")) }
        return out
    }

    /// The handles of a node type (`nil`: a single unnamed output).
    func handles(_ type: String, node: JSONValue?) -> Set<String>? {
        switch type {
        case "condition": return ["true", "false"]
        case "loop": return ["body", "complete"]
        case "parallel":
            let n = Int(node?["config"]?["branches"]?.doubleValue ?? 0)
            return Set((0..<max(0, min(n, 100))).map(String.init))
        default: return nil
        }
    }

    func firstCycle(_ graph: [String: [String]]) -> [String]? {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ node: String) -> [String]? {
            if state[node] == 2 { return nil }
            if state[node] == 1 { return stack.drop { $0 != node } + [node] }
            state[node] = 1
            stack.append(node)
            for next in graph[node] ?? [] { if let cycle = visit(next) { return cycle } }
            stack.removeLast()
            state[node] = 2
            return nil
        }
        for node in graph.keys.sorted() { if let cycle = visit(node) { return cycle } }
        return nil
    }
}
