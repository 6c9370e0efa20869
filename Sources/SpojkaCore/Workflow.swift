import Foundation

/// A versioned workflow graph of a workspace; the definition of each version is stored as JSON.
public struct Workflow: Identified, Sendable, Hashable {
    /// `wf`.
    public static let idPrefix = "wf"
    /// Stable identifier.
    public var id: ID<Workflow>
    /// The owning workspace.
    public var workspaceID: ID<Workspace>
    /// Display name (from the latest version).
    public var name: String
    /// Whether triggers may start runs.
    public var enabled: Bool
    /// The latest version number (1-based).
    public var currentVersion: Int
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date

    /// Creates a workflow value.
    public init(id: ID<Workflow>, workspaceID: ID<Workspace>, name: String, enabled: Bool, currentVersion: Int, createdAt: Date, updatedAt: Date) {
        self.id = id; self.workspaceID = workspaceID; self.name = name; self.enabled = enabled
        self.currentVersion = currentVersion; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// One saved version of a workflow.
public struct WorkflowVersion: Sendable, Hashable {
    /// The workflow.
    public var workflowID: ID<Workflow>
    /// Version number.
    public var version: Int
    /// The definition (nodes and edges), containing connection IDs and no secret.
    public var definition: JSONValue
    /// When it was saved.
    public var savedAt: Date
    /// Who saved it.
    public var savedBy: ID<User>

    /// Creates a version value.
    public init(workflowID: ID<Workflow>, version: Int, definition: JSONValue, savedAt: Date, savedBy: ID<User>) {
        self.workflowID = workflowID; self.version = version; self.definition = definition; self.savedAt = savedAt; self.savedBy = savedBy
    }
}

/// Persistence of workflows and their versions.
public protocol WorkflowStore: Sendable {
    /// Stores a new workflow.
    func insertWorkflow(_ workflow: Workflow) async throws
    /// A workflow of the workspace.
    func workflow(_ id: ID<Workflow>, in workspace: ID<Workspace>) async throws -> Workflow?
    /// The workspace's workflows by name.
    func workflows(in workspace: ID<Workspace>) async throws -> [Workflow]
    /// Writes name, enabled flag, current version and update time.
    func updateWorkflow(_ workflow: Workflow) async throws
    /// Deletes a workflow with its versions and usage rows.
    func deleteWorkflow(_ id: ID<Workflow>) async throws
    /// Stores a version.
    func insertWorkflowVersion(_ version: WorkflowVersion) async throws
    /// Every version, oldest first.
    func workflowVersions(of id: ID<Workflow>) async throws -> [WorkflowVersion]
    /// One version.
    func workflowVersion(of id: ID<Workflow>, _ version: Int) async throws -> WorkflowVersion?
    /// Sets the enabled flag of a workflow's usage rows.
    func setUsageEnabled(workflow id: String, enabled: Bool, name: String) async throws
}
