import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// A workflow with its current definition and the connections it can no longer resolve.
public struct WorkflowState: Sendable {
    /// The workflow.
    public var workflow: Workflow
    /// The current version's definition.
    public var definition: JSONValue
    /// Nodes that cannot run as saved: `(nodeId, connectionId, reason)` (connection deleted, tool removed,
    /// production connection refused by the environment guard).
    public var broken: [(node: String, connection: String, reason: String)]
    /// The webhook ID when the trigger is a webhook (`POST /hooks/{id}`).
    public var hookID: String?
    /// Problems that do not stop a save (a production workflow on a non-production connection).
    public var warnings: [(path: String, message: String)] = []
}

extension SpojkaError.Code {
    /// A workflow definition failed validation at save.
    public static let invalidWorkflow: Self = "invalid_workflow"
}

/// Saving workflows: validation, versions, and the connection usage index behind guarded deletes.
public struct WorkflowService: Sendable {
    let store: any Store
    let validator: WorkflowValidator
    let ids: any IDGenerator
    let clock: any WallClock

    /// Creates the service.
    public init(store: any Store, catalog: LiveCatalog, ids: any IDGenerator, clock: any WallClock) {
        self.store = store; self.validator = WorkflowValidator(catalog: catalog); self.ids = ids; self.clock = clock
    }

    /// Saves a new workflow (version 1) or a new version of `existing`; refuses invalid definitions with every problem.
    public func save(_ definition: JSONValue, workflow existing: ID<Workflow>?, in workspace: ID<Workspace>, by user: ID<User>) async throws -> WorkflowState {
        let referenced = WorkflowValidator.connectionIDs(definition)
        let (validator, ids, clock) = (self.validator, self.ids, self.clock)
        return try await store.transaction { tx in
            let references = try await Self.references(definition, connections: referenced, in: workspace, tx)
            let problems = validator.problems(definition, references: references)
            if !problems.isEmpty {
                var error = SpojkaError.validation(problems)
                error.code = .invalidWorkflow
                throw error
            }
            let now = clock.now()
            let name = definition["name"]?.stringValue ?? ""
            var workflow: Workflow
            if let existing {
                guard let found = try await tx.workflow(existing, in: workspace) else { throw SpojkaError.notFound("Workflow") }
                workflow = found
                workflow.currentVersion += 1
                workflow.name = name
                workflow.updatedAt = now
                try await tx.updateWorkflow(workflow)
            } else {
                workflow = Workflow(id: ids.make(), workspaceID: workspace, name: name, enabled: true, currentVersion: 1, createdAt: now, updatedAt: now)
                try await tx.insertWorkflow(workflow)
            }
            try await tx.insertWorkflowVersion(WorkflowVersion(workflowID: workflow.id, version: workflow.currentVersion, definition: definition,
                                                               savedAt: now, savedBy: user))
            for connection in referenced.sorted() {
                try await tx.recordUsage(workspace: workspace, connection: connection, workflowID: workflow.id.rawValue,
                                         workflowName: name, version: workflow.currentVersion, enabled: workflow.enabled)
            }
            try await tx.setUsageEnabled(workflow: workflow.id.rawValue, enabled: workflow.enabled, name: name)
            var details: [String: JSONValue] = ["version": .int(workflow.currentVersion),
                                                "environment": .string((EnvironmentGuard.environment(of: definition) ?? .production).rawValue)]
            let allowing = EnvironmentGuard.allowingNodes(definition)
            if !allowing.isEmpty { details["allowProduction"] = .array(allowing.map { .string($0) }) }
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: now, actor: user.rawValue, action: "workflow.saved",
                                                target: workflow.id.rawValue, details: details))
            let hook = try await Self.syncTriggers(definition, workflow, now: now, ids: ids, tx)
            return WorkflowState(workflow: workflow, definition: definition, broken: [], hookID: hook,
                                 warnings: EnvironmentGuard.warnings(definition, connections: references.connections))
        }
    }

    /// The workflow with its current definition and broken connector nodes.
    public func state(_ id: ID<Workflow>, in workspace: ID<Workspace>) async throws -> WorkflowState {
        try await store.read { tx in
            guard let workflow = try await tx.workflow(id, in: workspace),
                  let version = try await tx.workflowVersion(of: id, workflow.currentVersion) else { throw SpojkaError.notFound("Workflow") }
            let (broken, live) = try await brokenNodes(version.definition, in: workspace, tx)
            let hook = Self.triggerConfig(version.definition)?["kind"]?.stringValue == "webhook" ? try await tx.webhookID(of: id) : nil
            return WorkflowState(workflow: workflow, definition: version.definition, broken: broken, hookID: hook,
                                 warnings: EnvironmentGuard.warnings(version.definition, connections: live))
        }
    }

    /// Enables or disables a workflow (usage rows follow).
    public func setEnabled(_ enabled: Bool, _ id: ID<Workflow>, in workspace: ID<Workspace>, by user: ID<User>) async throws {
        try await store.transaction { tx in
            guard var workflow = try await tx.workflow(id, in: workspace) else { throw SpojkaError.notFound("Workflow") }
            workflow.enabled = enabled
            workflow.updatedAt = clock.now()
            try await tx.updateWorkflow(workflow)
            try await tx.setUsageEnabled(workflow: id.rawValue, enabled: enabled, name: workflow.name)
            if let version = try await tx.workflowVersion(of: id, workflow.currentVersion) {
                try await tx.setSchedule(nil, workflow: id)  // re-enabling does not catch up on the disabled time
                try await Self.syncTriggers(version.definition, workflow, now: clock.now(), ids: ids, tx)
            }
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: clock.now(), actor: user.rawValue,
                                                action: enabled ? "workflow.enabled" : "workflow.disabled", target: id.rawValue))
        }
    }

    /// Deletes a workflow, its versions and its usage rows.
    public func delete(_ id: ID<Workflow>, in workspace: ID<Workspace>, by user: ID<User>) async throws {
        try await store.transaction { tx in
            guard try await tx.workflow(id, in: workspace) != nil else { throw SpojkaError.notFound("Workflow") }
            try await tx.deleteWorkflow(id)
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: clock.now(), actor: user.rawValue,
                                                action: "workflow.deleted", target: id.rawValue))
        }
    }

    /// Keeps the schedule row and the webhook ID in step with the trigger of the saved definition.
    @discardableResult
    static func syncTriggers(_ definition: JSONValue, _ workflow: Workflow, now: Date, ids: any IDGenerator, _ tx: any StoreTransaction) async throws -> String? {
        try await tx.setSchedule(RunEngine.schedule(of: definition, workflow: workflow, from: now), workflow: workflow.id)
        guard WorkflowService.triggerConfig(definition)?["kind"]?.stringValue == "webhook" else { return nil }
        return try await tx.webhookID(of: workflow.id, in: workflow.workspaceID, orCreate: ids.token(prefix: "hk_"))
    }

    /// The trigger node's configuration.
    public static func triggerConfig(_ definition: JSONValue) -> JSONValue? {
        (definition["nodes"]?.arrayValue ?? []).first(where: { $0["type"]?.stringValue == "trigger" })?["config"]
    }
}
