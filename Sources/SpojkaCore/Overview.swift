import Foundation

/// A row of the workflow list: the workflow, its current version's definition and author, and its newest run.
public struct WorkflowSummary: Sendable {
    /// The workflow.
    public var workflow: Workflow
    /// The current version's definition.
    public var definition: JSONValue
    /// Who saved the current version.
    public var savedBy: ID<User>
    /// The newest run of any version, if there is one.
    public var lastRun: Run?

    /// Creates a summary.
    public init(workflow: Workflow, definition: JSONValue, savedBy: ID<User>, lastRun: Run?) {
        self.workflow = workflow; self.definition = definition; self.savedBy = savedBy; self.lastRun = lastRun
    }
}

/// A human step waiting for a decision, with its run.
public struct PendingApproval: Sendable {
    /// The waiting run.
    public var run: Run
    /// The waiting step (its input holds the rendered message and the approvers).
    public var step: RunStep

    /// Creates a pending approval.
    public init(run: Run, step: RunStep) { self.run = run; self.step = step }
}

/// Where a page of pending approvals continues: after this step's `(startedAt, runID, key)`.
public typealias ApprovalCursor = (startedAt: Date, run: String, key: String)

/// The list queries of the console and the API: pages assembled in the database, not in memory.
public protocol OverviewStore: Sendable {
    /// Up to `limit` workflows of the workspace ordered by `(name, id)`, after `after`, each with its current version and newest run.
    func workflowSummaries(in workspace: ID<Workspace>, after: (name: String, id: String)?, limit: Int) async throws -> [WorkflowSummary]
    /// Up to `limit` waiting human steps of the workspace's waiting runs, oldest first, after `after`.
    func waitingApprovals(in workspace: ID<Workspace>, after: ApprovalCursor?, limit: Int) async throws -> [PendingApproval]
}
