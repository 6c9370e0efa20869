import Foundation
import SpojkaCore
import Synchronization

/// A step that failed: the run fails with this unless the node continues on error.
struct StepFailure: Error, Sendable {
    let nodeID: String
    let code: String
    let message: String

    var json: JSONValue { ["code": .string(code), "message": .string(message), "nodeId": .string(nodeID)] }
}

/// A response node ran: the run ends with this answer.
struct RunEnded: Error, Sendable {
    let response: RunResponse
    /// Whether the run's completion was committed with the response step.
    var recorded = false
}

/// The answer of a response node: HTTP status, headers and body.
public struct RunResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Response headers.
    public var headers: [String: String]
    /// The body (the run's output).
    public var body: JSONValue
}

/// How one node execution ended.
enum NodeResult: Sendable {
    /// Done with an output; `handles` are the live outputs (`nil`: every edge).
    case done(JSONValue, handles: [String]?)
    /// Waiting for a human (or a waiting subworkflow); the run pauses.
    case suspended
}

/// Commit order of steps within one execution.
final class StepSequence: Sendable {
    private let value: Mutex<Int>
    init(after last: Int) { value = Mutex(last) }
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

/// Executes one run of a compiled workflow: scopes, joins, loops; replays committed steps instead of re-running them.
struct Interpreter: Sendable {
    let run: Run
    let workflow: CompiledWorkflow
    let replay: [String: RunStep]
    let journal: any RunJournal
    let host: any NodeHost
    let sequence: StepSequence

    /// The result of a whole run: its output, or `nil` output plus `waiting`.
    enum Outcome: Sendable {
        case completed(JSONValue?)
        case waiting
    }

    /// Runs from the trigger to the end (or the first response node, or a pause).
    func execute() async throws -> Outcome {
        var context: [String: JSONValue] = ["input": run.input]
        if let variable = workflow.nodes[workflow.trigger]?.outputVariable { context[variable] = run.input }
        let entries = workflow.outgoing[workflow.trigger] ?? []
        let result = try await runScope("", entries: entries, context: context, path: "")
        return result.suspended ? .waiting : .completed(result.last)
    }

    /// What a scope (the top level or one loop iteration) leaves behind.
    struct ScopeResult: Sendable {
        var context: [String: JSONValue]
        var tails: [String: JSONValue] = [:]
        var last: JSONValue?
        var suspended = false
    }

    /// Runs the nodes of one scope: a node starts once every edge that can reach it has arrived (dead paths count).
    func runScope(_ scope: String, entries: [Edge], context: [String: JSONValue], path: String) async throws -> ScopeResult {
        var state = ScopeState(indegree: workflow.indegree[scope] ?? [:])
        var result = ScopeResult(context: context)
        let tails = Set(scope.isEmpty ? [] : workflow.tails[scope] ?? [])
        for edge in entries { deliver(edge, live: true, scope: scope, &state) }
        try await withThrowingTaskGroup(of: (String, NodeResult).self) { group in
            var running = 0
            while true {
                // A single ready node with nothing in flight runs inline: sequential chains cost no task.
                if running == 0, state.ready.count == 1 {
                    let id = state.ready.removeFirst()
                    let outcome = try await executeNode(id, context: result.context, path: path)
                    finish(id, outcome, scope: scope, tails: tails, &state, &result)
                    continue
                }
                for id in state.ready {
                    let snapshot = result.context
                    group.addTask { (id, try await executeNode(id, context: snapshot, path: path)) }
                    running += 1
                }
                state.ready.removeAll()
                guard running > 0, let (id, outcome) = try await group.next() else { break }
                running -= 1
                finish(id, outcome, scope: scope, tails: tails, &state, &result)
            }
        }
        return result
    }

    private func finish(_ id: String, _ outcome: NodeResult, scope: String, tails: Set<String>, _ state: inout ScopeState, _ result: inout ScopeResult) {
        guard case .done(let output, let handles) = outcome else { result.suspended = true; return }
        if let variable = workflow.nodes[id]?.outputVariable { result.context[variable] = output }
        result.last = output
        if tails.contains(id) { result.tails[id] = output }
        for edge in workflow.outgoing[id] ?? [] {
            deliver(edge, live: handles.map { $0.contains(edge.handle ?? "") } ?? true, scope: scope, &state)
        }
    }

    /// Delivers an edge inside `scope`; edges into another scope (loop bodies, back edges) are not scheduled here.
    private func deliver(_ edge: Edge, live: Bool, scope: String, _ state: inout ScopeState) {
        guard (workflow.scope[edge.to] ?? "") == scope, let left = state.remaining[edge.to] else { return }
        state.remaining[edge.to] = left - 1
        if live { state.live.insert(edge.to) }
        guard left - 1 == 0 else { return }
        if state.live.contains(edge.to) { state.ready.append(edge.to); return }
        for next in workflow.outgoing[edge.to] ?? [] { deliver(next, live: false, scope: scope, &state) }
    }

    struct ScopeState {
        var remaining: [String: Int]
        var live: Set<String> = []
        var ready: [String] = []
        init(indegree: [String: Int]) { remaining = indegree }
    }

    /// The step key of a node in an iteration path.
    static func key(_ node: String, _ path: String) -> String { path.isEmpty ? node : node + "@" + path }

    /// Commits a step record.
    func commit(_ node: CompiledNode, key: String, status: RunStep.Status, startedAt: Date, attempt: Int = 1, input: JSONValue? = nil,
                output: JSONValue? = nil, error: JSONValue? = nil, connection: String? = nil, deadline: Date? = nil,
                extra: [JournalWrite] = []) async throws {
        try host.checkpoint(run)
        let step = RunStep(runID: run.id, key: key, sequence: sequence.next(), nodeID: node.id, type: node.type, status: status, attempt: attempt,
                           startedAt: startedAt, finishedAt: status == .waiting ? nil : host.now(), input: input, output: output, error: error,
                           connectionID: connection, deadline: deadline)
        try await journal.write([.step(step)] + extra)
    }
}
