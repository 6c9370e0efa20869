import Foundation
import SpojkaCore

/// What nodes with side effects need from the engine.
protocol NodeHost: Sendable {
    /// The current time.
    func now() -> Date
    /// Throws when the run was cancelled or passed its deadline (checked before every step commit).
    func checkpoint(_ run: Run) throws
    /// Calls a tool through a connection (resolved by ID now); returns the scrubbed output and the writes recording the call.
    func callTool(_ run: Run, node: String, connector: String, tool: String, connection: String?, arguments: JSONValue) async throws
        -> (output: JSONValue, record: [JournalWrite])
    /// Starts (or finds, on replay) the child run of a subworkflow step and runs it; `nil` while the child waits.
    func subworkflow(_ run: Run, step: String, node: String, workflow: String, input: JSONValue) async throws -> JSONValue?
}

extension Interpreter {
    /// Connector, human and subworkflow nodes: retries and timeouts apply.
    func external(_ node: CompiledNode, key: String, context: [String: JSONValue], startedAt: Date) async throws -> NodeResult {
        switch node.kind {
        case .connector(let connector, let tool, let connection, let arguments):
            let input = try render(arguments, node, context)
            var attempt = 1
            while true {
                do {
                    let (output, record) = try await withTimeout(node) {
                        try await host.callTool(run, node: node.id, connector: connector, tool: tool, connection: connection, arguments: input)
                    }
                    try await commit(node, key: key, status: .completed, startedAt: startedAt, attempt: attempt, input: input, output: output,
                                     connection: connection, extra: record)
                    return .done(output, handles: nil)
                } catch let failure as StepFailure where failure.code == "service_unavailable" || failure.code == "timeout" {
                    guard attempt < node.maxAttempts else { throw failure }
                    try await Task.sleep(for: .milliseconds(Int64(node.backoffSeconds * 1000 * pow(2, Double(attempt - 1)))))
                    attempt += 1
                }
            }
        case .human(let message, let users, let roles, let minutes):
            let input: JSONValue = ["message": try render(message, node, context), "approvers": [
                "users": .array(users.sorted().map { .string($0) }), "roles": .array(roles.sorted().map { .string($0) })]]
            let deadline = minutes.map { host.now().addingTimeInterval($0 * 60) }
            try await commit(node, key: key, status: .waiting, startedAt: startedAt, input: input, deadline: deadline)
            return .suspended
        case .subworkflow(let workflow, let inputValue):
            let input = try render(inputValue, node, context)
            guard let output = try await withTimeout(node, {
                try await host.subworkflow(run, step: key, node: node.id, workflow: workflow, input: input)
            }) else { return .suspended }
            try await commit(node, key: key, status: .completed, startedAt: startedAt, input: input, output: output)
            return .done(output, handles: nil)
        default:
            throw StepFailure(nodeID: node.id, code: "internal_error", message: "node type \(node.type) is not external")
        }
    }

    /// Runs `body` within the node's timeout (if any); a timeout fails the step with `timeout`.
    func withTimeout<T: Sendable>(_ node: CompiledNode, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let limit = node.timeout else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: limit); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw StepFailure(nodeID: node.id, code: "timeout", message: "node \(node.id) took longer than \(limit)")
            }
            return value
        }
    }

    /// `forEach`, `while` and `times`: iterations run the body scope in order; the output is each iteration's result.
    func loop(_ node: CompiledNode, key: String, context: [String: JSONValue], path: String, startedAt: Date) async throws -> NodeResult {
        let entries = (workflow.outgoing[node.id] ?? []).filter { $0.handle == "body" }
        let prefix = path.isEmpty ? "" : path + "."
        var scope = context
        var results: [JSONValue] = []
        var index = 0
        func iterate(_ item: JSONValue?) async throws -> Bool {
            if let item { scope[node.itemVariable] = item }
            scope[node.indexVariable] = .int(index)
            let result = try await runScope(node.id, entries: entries, context: scope, path: prefix + String(index))
            if result.suspended { return false }
            scope = result.context
            results.append(result.tails.count == 1 ? result.tails.first!.value : (result.tails.isEmpty ? .null : .object(result.tails)))
            index += 1
            return true
        }
        switch node.kind {
        case .forEach(let array):
            let value = try render(array, node, context)
            guard case .array(let items) = value else {
                throw StepFailure(nodeID: node.id, code: "template_error", message: "forEach needs an array, got \(value.jmesTypeName)")
            }
            for item in items { guard try await iterate(item) else { return .suspended } }
        case .times(let count):
            guard let n = try render(count, node, context).doubleValue, n >= 0, n <= 1_000_000 else {
                throw StepFailure(nodeID: node.id, code: "template_error", message: "times needs a count from 0 to 1000000")
            }
            for _ in 0..<Int(n) { guard try await iterate(nil) else { return .suspended } }
        case .whileLoop(let condition, let max):
            while index < max {
                let go: Bool
                do { go = try condition.evaluate(.object(scope)) } catch {
                    throw StepFailure(nodeID: node.id, code: "template_error", message: "\(error)")
                }
                guard go else { break }
                guard try await iterate(nil) else { return .suspended }
            }
        default: break
        }
        let output = JSONValue.array(results)
        try await commit(node, key: key, status: .completed, startedAt: startedAt, output: output)
        return .done(output, handles: ["complete"])
    }
}
