import Foundation
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore

extension RunEngine: NodeHost {
    func now() -> Date { clock.now() }

    func checkpoint(_ run: Run) throws {
        if cancelled.withLock({ $0.contains(run.id) }) { throw RunCancelled() }
        if lost.withLock({ $0.contains(run.id) }) { throw CancellationError() }
        if let deadline = run.deadline, clock.now() > deadline { throw RunTimedOut() }
        try Task.checkCancellation()
    }

    func callTool(_ run: Run, node: String, connector: String, tool: String, connection: String?, arguments: JSONValue) async throws
        -> (output: JSONValue, record: [JournalWrite]) {
        let actor = "run:\(run.id.rawValue)"
        try WorkflowValidator(catalog: connections.catalogs).ensureTool(node: node, connector: connector, tool: tool)
        guard let connection else {
            do { return (try await connections.callWithoutConnection(tool, arguments: arguments, connector: connector), []) } catch {
                throw Self.stepFailure(error, node: node, connection: nil)
            }
        }
        let outcome: Result<JSONValue, ToolError>
        let record: @Sendable (any StoreTransaction) async throws -> Void
        do {
            // The environment guard, at the moment the connection is resolved: its environment may have changed since the save.
            let admission = EnvironmentGuard.admission(try await definition(run.workflowID, version: run.version).json, node: node)
            (outcome, record) = try await connections.callToolDeferred(tool, arguments: arguments, connection: ID(rawValue: connection),
                                                                       in: run.workspaceID, connector: connector, by: actor) { found in
                if let reason = EnvironmentGuard.refusal(node: node, connection: found, environment: admission.environment,
                                                         allowProduction: admission.allowProduction) {
                    throw StepFailure(nodeID: node, code: SpojkaError.Code.productionConnectionRefused.rawValue, message: reason)
                }
            }
        } catch {
            throw Self.stepFailure(error, node: node, connection: connection)
        }
        switch outcome {
        case .success(let output): return (output, [.custom(record)])
        case .failure(let error):
            try await journal.write([.custom(record)])
            throw Self.stepFailure(error, node: node, connection: connection)
        }
    }

    static func stepFailure(_ error: any Error, node: String, connection: String?) -> StepFailure {
        switch error {
        case let failure as StepFailure: return failure
        case let tool as ToolError: return StepFailure(nodeID: node, code: tool.code.rawValue, message: tool.message)
        case let spojka as SpojkaError where spojka.code == .connectionNotFound:
            return StepFailure(nodeID: node, code: "connection_not_found",
                               message: "node \(node): connection \(connection ?? "") was not found (it may have been deleted)")
        case let spojka as SpojkaError: return StepFailure(nodeID: node, code: spojka.code.rawValue, message: spojka.message)
        default: return StepFailure(nodeID: node, code: "internal_error", message: "the step failed unexpectedly")
        }
    }

    func subworkflow(_ run: Run, step: String, node: String, workflow: String, input: JSONValue) async throws -> JSONValue? {
        var child: Run
        if let existing = try await store.read({ try await $0.childRun(of: run.id, step: step) }) {
            child = existing
            if child.status == .running, child.lease?.owner != owner { return nil }  // another process resumes it, then wakes us
        } else {
            child = try await startChild(of: run, step: step, node: node, workflow: workflow, input: input)
        }
        if child.status == .running { child = await drive(child, graph: nil, replay: nil) }
        switch child.status {
        case .completed: return child.output ?? .null
        case .waiting, .running: return nil
        default:
            throw StepFailure(nodeID: node, code: "subworkflow_failed",
                              message: "subworkflow run \(child.id) \(child.status.rawValue): \(child.error?["message"]?.stringValue ?? "")")
        }
    }

    private func startChild(of run: Run, step: String, node: String, workflow: String, input: JSONValue) async throws -> Run {
        var depth = 0
        var cursor = run.parent
        while let parent = cursor {
            depth += 1
            cursor = try await store.read { try await $0.run(parent.run) }?.parent
        }
        guard depth < options.maxDepth else {
            throw StepFailure(nodeID: node, code: "subworkflow_too_deep", message: "subworkflows nest deeper than \(options.maxDepth)")
        }
        let (ws, wfID) = (run.workspaceID, ID<Workflow>(rawValue: workflow))
        guard let (_, version) = try await store.read({ tx -> (Workflow, WorkflowVersion)? in
            guard let w = try await tx.workflow(wfID, in: ws), let v = try await tx.workflowVersion(of: w.id, w.currentVersion) else { return nil }
            return (w, v)
        }) else { throw StepFailure(nodeID: node, code: "workflow_not_found", message: "node \(node): workflow \(workflow) does not exist") }
        let graph = try cached(version).graph
        let now = clock.now()
        var child = Run(id: ids.make(), workspaceID: ws, workflowID: wfID, version: version.version, status: .running, trigger: "subworkflow",
                        input: input, startedBy: run.startedBy, createdAt: now)
        child.parent = (run.id, step)
        child.deadline = graph.timeout.map { now.addingTimeInterval(Self.seconds($0)) }
        child.lease = (owner, now.addingTimeInterval(Self.seconds(options.lease)))
        try await journal.write([.insertRun(child)])
        return child
    }
}
