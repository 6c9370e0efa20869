import Foundation

/// One execution of a workflow version.
public struct Run: Identified, Sendable, Hashable {
    /// `run`.
    public static let idPrefix = "run"

    /// Where a run is in its life.
    public enum Status: String, Sendable, CaseIterable {
        /// Executing (or waiting to be resumed after a restart).
        case running
        /// Paused at a human approval.
        case waiting
        /// Ended normally.
        case completed
        /// A step failed, an approval was rejected or timed out.
        case failed
        /// The workflow's run timeout passed.
        case timedOut = "timed_out"
        /// Cancelled by a user.
        case cancelled

        /// Whether the run has ended.
        public var isFinal: Bool { ![.running, .waiting].contains(self) }
    }

    /// Stable identifier.
    public var id: ID<Run>
    /// The workspace.
    public var workspaceID: ID<Workspace>
    /// The workflow.
    public var workflowID: ID<Workflow>
    /// The workflow version the run started with (kept for its whole life).
    public var version: Int
    /// Current status.
    public var status: Status
    /// What started it: `manual`, `webhook`, `schedule` or `subworkflow`.
    public var trigger: String
    /// The trigger's payload (`input` in templates).
    public var input: JSONValue
    /// The output (the response node's body, or the last step's output).
    public var output: JSONValue?
    /// `{code, message, nodeId?}` when the run did not complete.
    public var error: JSONValue?
    /// The user who started it, if any.
    public var startedBy: ID<User>?
    /// The parent run and step key of a subworkflow run.
    public var parent: (run: ID<Run>, step: String)?
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// When it ended.
    public var finishedAt: Date?
    /// When it times out, if the workflow has a run timeout.
    public var deadline: Date?
    /// The engine instance executing it and until when its lease holds.
    public var lease: (owner: String, until: Date)?

    /// Creates a run value.
    public init(id: ID<Run>, workspaceID: ID<Workspace>, workflowID: ID<Workflow>, version: Int, status: Status, trigger: String,
                input: JSONValue, startedBy: ID<User>?, createdAt: Date) {
        self.id = id; self.workspaceID = workspaceID; self.workflowID = workflowID; self.version = version; self.status = status
        self.trigger = trigger; self.input = input; self.startedBy = startedBy; self.createdAt = createdAt; self.updatedAt = createdAt
    }

    /// Runs are equal when every stored field is.
    public static func == (a: Run, b: Run) -> Bool {
        a.id == b.id && a.status == b.status && a.updatedAt == b.updatedAt && a.output == b.output && a.error == b.error
    }

    /// Hashes the identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// The committed record of one node execution inside a run.
public struct RunStep: Sendable, Hashable {
    /// Where a step is.
    public enum Status: String, Sendable {
        /// Done; its output is final.
        case completed
        /// Failed (the run failed too unless the node continues on error).
        case failed
        /// A human approval is pending.
        case waiting
    }

    /// The run.
    public var runID: ID<Run>
    /// Unique within the run: the node ID, plus `@i.j` loop iteration indices inside loop bodies.
    public var key: String
    /// Commit order within the run.
    public var sequence: Int
    /// The node.
    public var nodeID: String
    /// The node type.
    public var type: String
    /// Status.
    public var status: Status
    /// Which attempt produced this record (1-based).
    public var attempt: Int
    /// When the step started.
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date?
    /// The rendered input (arguments, template result …), scrubbed of secrets.
    public var input: JSONValue?
    /// The output, scrubbed of secrets.
    public var output: JSONValue?
    /// `{code, message}` when failed.
    public var error: JSONValue?
    /// The connection a connector step called through.
    public var connectionID: String?
    /// When a waiting approval times out.
    public var deadline: Date?

    /// Creates a step record.
    public init(runID: ID<Run>, key: String, sequence: Int, nodeID: String, type: String, status: Status, attempt: Int = 1,
                startedAt: Date, finishedAt: Date?, input: JSONValue? = nil, output: JSONValue? = nil, error: JSONValue? = nil,
                connectionID: String? = nil, deadline: Date? = nil) {
        self.runID = runID; self.key = key; self.sequence = sequence; self.nodeID = nodeID; self.type = type; self.status = status
        self.attempt = attempt; self.startedAt = startedAt; self.finishedAt = finishedAt; self.input = input; self.output = output
        self.error = error; self.connectionID = connectionID; self.deadline = deadline
    }
}

/// Filters and paging of a run list (newest first).
public struct RunQuery: Sendable {
    /// Only runs of this workflow.
    public var workflow: ID<Workflow>?
    /// Only runs with this status.
    public var status: Run.Status?
    /// Only runs started by this trigger kind (`manual`, `webhook`, `schedule`, `subworkflow`).
    public var trigger: String?
    /// Continue after this `(createdAt, id)`.
    public var after: (Date, String)?
    /// Page size.
    public var limit: Int

    /// Creates a query.
    public init(workflow: ID<Workflow>? = nil, status: Run.Status? = nil, trigger: String? = nil, after: (Date, String)? = nil, limit: Int = 50) {
        self.workflow = workflow; self.status = status; self.trigger = trigger; self.after = after; self.limit = limit
    }
}

/// A workflow's schedule trigger as the scheduler sees it.
public struct Schedule: Sendable, Hashable {
    /// The workflow.
    public var workflowID: ID<Workflow>
    /// Its workspace.
    public var workspaceID: ID<Workspace>
    /// Five-field cron expression.
    public var cron: String
    /// IANA time zone.
    public var timeZone: String
    /// Whether slots missed while no server ran are fired later.
    public var catchUp: Bool
    /// Whether the workflow is enabled.
    public var enabled: Bool
    /// The last slot fired (or the time of the save).
    public var lastSlot: Date

    /// Creates a schedule value.
    public init(workflowID: ID<Workflow>, workspaceID: ID<Workspace>, cron: String, timeZone: String, catchUp: Bool, enabled: Bool, lastSlot: Date) {
        self.workflowID = workflowID; self.workspaceID = workspaceID; self.cron = cron; self.timeZone = timeZone
        self.catchUp = catchUp; self.enabled = enabled; self.lastSlot = lastSlot
    }
}

/// Persistence of runs, their steps, webhooks and schedules.
public protocol RunStore: Sendable {
    /// Stores a new run.
    func insertRun(_ run: Run) async throws
    /// A run of the workspace.
    func run(_ id: ID<Run>, in workspace: ID<Workspace>) async throws -> Run?
    /// A run by ID alone (engine internal).
    func run(_ id: ID<Run>) async throws -> Run?
    /// A workspace's runs, newest first.
    func runs(in workspace: ID<Workspace>, _ query: RunQuery) async throws -> [Run]
    /// Writes status, output, error, deadline, lease and times.
    func updateRun(_ run: Run) async throws
    /// Writes a run's end (or pause): status, output, error, times, lease — only while it is `running`; `true` when written.
    func finishRun(_ run: Run) async throws -> Bool
    /// Sets a run's status only when it currently has one of `from`; `true` when it changed.
    func transitionRun(_ id: ID<Run>, from: Set<Run.Status>, to: Run.Status, error: JSONValue?, at: Date) async throws -> Bool
    /// Inserts or replaces a step record.
    func upsertStep(_ step: RunStep) async throws
    /// A run's steps in commit order.
    func steps(of run: ID<Run>) async throws -> [RunStep]
    /// Takes over up to `limit` runs that are `running` with an expired lease; returns them.
    func claimRuns(owner: String, now: Date, until: Date, limit: Int) async throws -> [Run]
    /// Extends the leases of `owner`'s running runs.
    func renewLeases(owner: String, until: Date) async throws
    /// Waiting steps whose approval deadline passed.
    func expiredApprovals(now: Date, limit: Int) async throws -> [RunStep]
    /// The child run a subworkflow step started.
    func childRun(of parent: ID<Run>, step: String) async throws -> Run?
    /// The webhook ID of a workflow, created on first use.
    func webhookID(of workflow: ID<Workflow>, in workspace: ID<Workspace>, orCreate newID: String) async throws -> String
    /// The webhook ID of a workflow, if it has one.
    func webhookID(of workflow: ID<Workflow>) async throws -> String?
    /// The workflow behind a webhook ID.
    func webhook(_ hookID: String) async throws -> (workspace: ID<Workspace>, workflow: ID<Workflow>)?
    /// Sets (or with `nil` removes) a workflow's schedule.
    func setSchedule(_ schedule: Schedule?, workflow: ID<Workflow>) async throws
    /// Every schedule.
    func schedules() async throws -> [Schedule]
    /// Advances a schedule's last slot from `from` to `to`; `false` when another process already did.
    func claimSlot(_ workflow: ID<Workflow>, from: Date, to: Date) async throws -> Bool
}
