import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension Interpreter {
    /// Runs one node (or replays its committed result), committing its step before successors start.
    func executeNode(_ id: String, context: [String: JSONValue], path: String) async throws -> NodeResult {
        guard let node = workflow.nodes[id] else { throw StepFailure(nodeID: id, code: "internal_error", message: "unknown node \(id)") }
        let key = Self.key(id, path)
        if let recorded = replay[key] { return try replayed(node, recorded) }
        let startedAt = host.now()
        do {
            return try await perform(node, key: key, context: context, path: path, startedAt: startedAt)
        } catch let failure as StepFailure where failure.nodeID == node.id {
            let error: JSONValue = ["code": .string(failure.code), "message": .string(failure.message)]
            try await commit(node, key: key, status: .failed, startedAt: startedAt, error: error)
            if node.continueOnError { return .done(["error": error], handles: nil) }
            throw failure
        }
    }

    private func replayed(_ node: CompiledNode, _ step: RunStep) throws -> NodeResult {
        switch step.status {
        case .completed:
            let output = step.output ?? .null
            if node.type == "response" {
                throw RunEnded(response: RunResponse(status: output["status"].flatMap(\.doubleValue).map { Int($0) } ?? 200,
                                                     headers: (output["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                                                     body: output["body"] ?? .null))
            }
            return .done(output, handles: handles(node, output))
        case .waiting: return .suspended
        case .failed:
            let error = step.error ?? .null
            if node.continueOnError { return .done(["error": error], handles: nil) }
            throw StepFailure(nodeID: node.id, code: error["code"]?.stringValue ?? "step_failed", message: error["message"]?.stringValue ?? "")
        }
    }

    /// The live outputs of a finished node.
    func handles(_ node: CompiledNode, _ output: JSONValue) -> [String]? {
        switch node.kind {
        case .condition: return [output["result"]?.boolValue == true ? "true" : "false"]
        case .forEach, .whileLoop, .times: return ["complete"]
        default: return nil
        }
    }

    /// Renders a compiled value; a failure names the node, the expression and the reason.
    /// A rendered value nesting deeper than `maxRenderedDepth` fails the step (a loop could otherwise nest without bound).
    func render(_ value: CompiledValue, _ node: CompiledNode, _ context: [String: JSONValue]) throws -> JSONValue {
        let rendered: JSONValue
        do { rendered = try value.render(.object(context)) } catch {
            throw StepFailure(nodeID: node.id, code: "template_error", message: "\(error)")
        }
        if rendered.depth > Self.maxRenderedDepth {
            throw StepFailure(nodeID: node.id, code: "nesting_too_deep",
                              message: "node \(node.id) produced a value nesting arrays and objects deeper than \(Self.maxRenderedDepth) levels")
        }
        return rendered
    }

    /// Twice the input limit: templates may wrap input values, but never without bound.
    static var maxRenderedDepth: Int { 2 * JSONValue.maxInputDepth }

    private func perform(_ node: CompiledNode, key: String, context: [String: JSONValue], path: String, startedAt: Date) async throws -> NodeResult {
        switch node.kind {
        case .trigger:
            return .done(run.input, handles: nil)
        case .transform(let template, let iterate):
            let output: JSONValue
            if let iterate {
                guard case .array(let items) = try render(iterate, node, context) else {
                    throw StepFailure(nodeID: node.id, code: "template_error", message: "iterate must evaluate to an array")
                }
                var scope = context
                output = .array(try items.enumerated().map { index, item in
                    scope[node.itemVariable] = item
                    scope[node.indexVariable] = .int(index)
                    return try render(template, node, scope)
                })
            } else {
                output = try render(template, node, context)
            }
            try await commit(node, key: key, status: .completed, startedAt: startedAt, output: output)
            return .done(output, handles: nil)
        case .condition(let condition):
            let result: Bool
            do { result = try condition.evaluate(.object(context)) } catch {
                throw StepFailure(nodeID: node.id, code: "template_error", message: "\(error)")
            }
            let output: JSONValue = ["result": .bool(result)]
            try await commit(node, key: key, status: .completed, startedAt: startedAt, output: output)
            return .done(output, handles: [result ? "true" : "false"])
        case .parallel(let branches):
            let output: JSONValue = ["branches": .int(branches)]
            try await commit(node, key: key, status: .completed, startedAt: startedAt, output: output)
            return .done(output, handles: nil)
        case .forEach, .whileLoop, .times:
            return try await loop(node, key: key, context: context, path: path, startedAt: startedAt)
        case .response(let status, let headers, let body):
            let response = try responseValue(node, status: status, headers: headers, body: body, context: context)
            let output: JSONValue = ["status": .int(response.status), "headers": .object(response.headers.mapValues { .string($0) }), "body": response.body]
            // The response ends the run: its step and the run's completion commit together.
            var ended = run
            let now = host.now()
            RunEngine.end(&ended, .completed, output: response.body, error: nil, at: now)
            try await commit(node, key: key, status: .completed, startedAt: startedAt, output: output, extra: [RunEngine.endWrite(ended, at: now)])
            throw RunEnded(response: response, recorded: true)
        case .connector, .human, .subworkflow:
            return try await external(node, key: key, context: context, startedAt: startedAt)
        }
    }

    /// Renders a response node's answer; a status or header the HTTP layer cannot send fails the step with `invalid_response`.
    private func responseValue(_ node: CompiledNode, status: CompiledValue, headers: CompiledValue, body: CompiledValue,
                               context: [String: JSONValue]) throws -> RunResponse {
        let code: Int
        switch NodeLimits.status(try render(status, node, context)) {
        case .success(let value): code = value
        case .failure(let problem):
            throw StepFailure(nodeID: node.id, code: "invalid_response", message: "node \(node.id): status \(problem.message)")
        }
        let rendered = try render(headers, node, context)
        guard let members = rendered.objectValue ?? (rendered == .null ? [:] : nil) else {
            throw StepFailure(nodeID: node.id, code: "invalid_response", message: "node \(node.id): headers must be an object")
        }
        var fields: [String: String] = [:]
        for (name, value) in members {
            let text = Template.text(of: value)
            if let problem = NodeLimits.headerProblem(name: name, value: text) {
                throw StepFailure(nodeID: node.id, code: "invalid_response", message: "node \(node.id): header \(name) \(problem)")
            }
            fields[name] = text
        }
        return RunResponse(status: code, headers: fields, body: try render(body, node, context))
    }
}
