import Foundation
import Logging
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore
import Synchronization

extension SpojkaError.Code {
    /// The workflow is disabled; its triggers start nothing.
    public static let workflowDisabled: Self = "workflow_disabled"
    /// The run is not in a state that allows the action.
    public static let runNotActive: Self = "run_not_active"
}

/// Starts, executes, resumes and finishes workflow runs; durable through its journal.
///
/// Executions run in the task group of ``run()`` (a `Service`). Runs answered synchronously execute in the process
/// that started them; the others are queued in the database and claimed by any process with free capacity (a claim is
/// a lease, renewed while the run executes). Runs left `running` by a stopped process become claimable once their
/// lease expires and resume from their last committed step.
public final class RunEngine: Sendable {
    /// Tunables of the engine.
    public struct Options: Sendable {
        /// How long a process's claim on a running run lasts without renewal.
        public var lease: Duration = .seconds(30)
        /// How often leases are renewed, orphans claimed, approvals expired and schedules checked.
        public var tick: Duration = .seconds(1)
        /// How many runs execute at once in this process.
        public var maxConcurrentRuns = 512
        /// Whether this process claims queued runs (`false`: it executes only the runs it answers synchronously).
        public var claimsQueue = true
        /// How many runs of one workspace execute at once across all processes, counted when queued runs are claimed.
        public var maxRunsPerWorkspace = 256
        /// Beyond this many queued runs, async webhooks are refused with 429 (nothing already queued is dropped).
        public var maxQueueDepth = 10_000
        /// How often the queue is checked for runs queued by other processes (at most `tick`).
        public var poll: Duration = .milliseconds(200)
        /// The most runs one claim takes.
        public var claimBatch = 16
        /// How deep subworkflows may nest.
        public var maxDepth = 8
        /// Creates the defaults.
        public init() {}
    }

    enum Job: Sendable {
        case fresh(Run, CompiledWorkflow)
        case resume(ID<Run>)
        case claimed(Run)
    }

    let store: any Store
    let connections: ConnectionService
    let ids: any IDGenerator
    let clock: any WallClock
    let journal: any RunJournal
    let logger: Logger
    let options: Options
    /// This process's identity in run leases.
    public let owner: String
    let jobs: AsyncStream<Job>
    let enqueue: AsyncStream<Job>.Continuation
    let compiled = Mutex<[String: (json: JSONValue, graph: CompiledWorkflow)]>([:])
    let cancelled = Mutex<Set<ID<Run>>>([])
    let responses = Mutex<[ID<Run>: Promise<Outcome?>]>([:])
    /// Runs whose lease another process holds now: they stop here at once.
    let lost = Mutex<Set<ID<Run>>>([])
    /// Every run this process is driving (subworkflow children included): their leases are renewed and watched.
    let driving = Mutex<Set<ID<Run>>>([])
    /// The tasks of the jobs executing here, by run.
    let active = Mutex<[ID<Run>: Task<Void, Never>]>([:])
    /// Jobs handed to the executor and not yet done, and their runs.
    let inflight = Atomic<Int>(0)
    let held = Mutex<Set<ID<Run>>>([])
    /// Wakes the claim loop.
    let doorbell = Doorbell()
    /// The last queue figures read, and how many runs this process queued since.
    let queueFigures = Mutex<(stats: RunQueueStats, since: Int)>((RunQueueStats(depth: 0, oldest: nil), 0))

    /// A run's state when it ended, paused or answered, with the answer for a synchronous caller.
    public struct Outcome: Sendable {
        /// The run as it is now.
        public var run: Run
        /// The response node's answer, or a summary of how the run ended; `nil` while it waits.
        public var response: RunResponse?
    }

    /// Creates an engine; `journal` decides durability (``GroupCommitJournal`` or ``MemoryJournal``).
    public init(store: any Store, connections: ConnectionService, ids: any IDGenerator, clock: any WallClock,
                journal: any RunJournal, logger: Logger, options: Options = Options()) {
        self.store = store; self.connections = connections; self.ids = ids; self.clock = clock
        self.journal = journal; self.logger = logger; self.options = options
        self.owner = "eng_" + Base32.encode(ids.randomBytes(10))
        (jobs, enqueue) = AsyncStream.makeStream(of: Job.self)
    }

    /// What starts a run.
    public struct StartRequest: Sendable {
        /// The workspace.
        public var workspace: ID<Workspace>
        /// The workflow (its current version runs).
        public var workflow: ID<Workflow>
        /// The trigger payload.
        public var input: JSONValue
        /// `manual`, `webhook` or `schedule`.
        public var trigger: String
        /// Who started it.
        public var user: ID<User>?
        /// The workflow row when the caller already read it (saves a read).
        public var preloaded: Workflow?

        /// Creates a request.
        public init(workspace: ID<Workspace>, workflow: ID<Workflow>, input: JSONValue, trigger: String, user: ID<User>?, preloaded: Workflow? = nil) {
            self.workspace = workspace; self.workflow = workflow; self.input = input; self.trigger = trigger; self.user = user; self.preloaded = preloaded
        }
    }

    /// Records a new run (durably, with its trigger step) and queues it; with `wait`, awaits its end, pause or response up
    /// to that long. `extra` writes commit with the run (e.g. the access record of a webhook's signing secret).
    public func start(_ request: StartRequest, wait: Duration? = nil, extra: [JournalWrite] = []) async throws -> Outcome {
        let workflow: Workflow
        if let known = request.preloaded { workflow = known } else {
            guard let found = try await store.read({ try await $0.workflow(request.workflow, in: request.workspace) }) else {
                throw SpojkaError.notFound("Workflow")
            }
            workflow = found
        }
        if !workflow.enabled && request.trigger != "manual" {
            throw SpojkaError(.workflowDisabled, "Workflow \(workflow.id) is disabled")
        }
        let graph = try await definition(workflow.id, version: workflow.currentVersion).graph
        let now = clock.now()
        var run = Run(id: ids.make(), workspaceID: request.workspace, workflowID: workflow.id, version: workflow.currentVersion, status: .running,
                      trigger: request.trigger, input: request.input, startedBy: request.user, createdAt: now)
        run.deadline = graph.timeout.map { now.addingTimeInterval(Self.seconds($0)) }
        // Without a waiting caller the run is queued (no lease) for whichever process has room; with one, it runs here.
        let queued = wait == nil && queues
        run.lease = queued ? nil : (owner, now.addingTimeInterval(Self.seconds(options.lease)))
        let promise = wait.map { _ in Promise<Outcome?>() }
        if let promise { responses.withLock { $0[run.id] = promise } }
        // The trigger step is the run's input: it is not stored twice (reads show it as the first step).
        try await journal.write([.insertRun(run)] + extra)
        if queued { countQueued() } else { schedule(.fresh(run, graph)) }
        guard let wait, let promise else { return Outcome(run: run, response: nil) }
        defer { _ = responses.withLock { $0.removeValue(forKey: run.id) } }
        let outcome = await withTaskGroup(of: Outcome??.self) { group in
            group.addTask { await promise.value }
            group.addTask { try? await Task.sleep(for: wait); promise.fulfil(nil); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? nil
        }
        return outcome ?? Outcome(run: run, response: nil)
    }

    /// A run's steps in commit order, the trigger first (it is the run's input, so it is not stored as a step).
    public func steps(of run: Run) async throws -> [RunStep] {
        let id = run.id
        let stored = try await store.read { try await $0.steps(of: id) }
        guard let graph = try? await definition(run.workflowID, version: run.version).graph,
              !stored.contains(where: { $0.key == graph.trigger }) else { return stored }
        return [triggerStep(run, graph)] + stored
    }

    func triggerStep(_ run: Run, _ graph: CompiledWorkflow) -> RunStep {
        RunStep(runID: run.id, key: graph.trigger, sequence: 0, nodeID: graph.trigger, type: "trigger", status: .completed,
                startedAt: run.createdAt, finishedAt: run.createdAt, output: run.input)
    }

    /// The trigger configuration of a workflow's current version (from the cache when possible).
    public func triggerConfig(of workflow: Workflow) async throws -> JSONValue? {
        WorkflowService.triggerConfig(try await definition(workflow.id, version: workflow.currentVersion).json)
    }

    /// A workflow version's definition and compiled graph (cached: versions never change).
    func definition(_ workflow: ID<Workflow>, version: Int) async throws -> (json: JSONValue, graph: CompiledWorkflow) {
        let key = "\(workflow.rawValue)@\(version)"
        if let hit = compiled.withLock({ $0[key] }) { return hit }
        guard let stored = try await store.read({ try await $0.workflowVersion(of: workflow, version) }) else { throw SpojkaError.notFound("Workflow") }
        return try cached(stored)
    }

    /// Compiles a version once and caches it.
    func cached(_ version: WorkflowVersion) throws -> (json: JSONValue, graph: CompiledWorkflow) {
        let key = "\(version.workflowID.rawValue)@\(version.version)"
        if let hit = compiled.withLock({ $0[key] }) { return hit }
        let entry = (json: version.definition, graph: try CompiledWorkflow(version.definition))
        compiled.withLock { $0[key] = entry }
        return entry
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Cancels a running or waiting run.
    public func cancel(_ id: ID<Run>, in workspace: ID<Workspace>, by user: ID<User>) async throws -> Run {
        let now = clock.now()
        let run = try await store.transaction { tx -> Run in
            guard try await tx.run(id, in: workspace) != nil else { throw SpojkaError.notFound("Run") }
            let error: JSONValue = ["code": "cancelled", "message": .string("cancelled by \(user.rawValue)")]
            guard try await tx.transitionRun(id, from: [.running, .waiting], to: .cancelled, error: error, at: now) else {
                throw SpojkaError(.runNotActive, "Run \(id) has already ended")
            }
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: now, actor: user.rawValue, action: "run.cancelled",
                                                target: id.rawValue))
            return try await tx.run(id, in: workspace)!
        }
        // Here it stops at once; on another process, at that process's next lease renewal.
        if holding.contains(id) {
            cancelled.withLock { _ = $0.insert(id) }
            active.withLock { $0[id] }?.cancel()
        }
        return run
    }
}
