import Foundation
import SpojkaCore

extension RunEngine {
    /// Whether `user` with `role` may decide a waiting human `step`: a listed user, a role at or above a listed one,
    /// or, when the node lists nobody, any member.
    public static func mayDecide(_ step: RunStep, user: ID<User>, role: Role) -> Bool {
        let users = Set((step.input?["approvers"]?["users"]?.arrayValue ?? []).compactMap(\.stringValue))
        let roles = (step.input?["approvers"]?["roles"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Role.init) }
        return (users.isEmpty && roles.isEmpty) ? role >= .member : (users.contains(user.rawValue) || roles.contains { role >= $0 })
    }

    /// The approvals `user` may decide in the workspace, oldest first: up to `limit` after `after`, and where the next page starts.
    public func approvals(for user: ID<User>, role: Role, in workspace: ID<Workspace>, after: ApprovalCursor?,
                          limit: Int) async throws -> (items: [PendingApproval], next: ApprovalCursor?) {
        var items: [PendingApproval] = []
        var cursor = after
        var more = true
        while items.count < limit && more {
            let from = cursor
            let batch = try await store.read { try await $0.waitingApprovals(in: workspace, after: from, limit: limit) }
            more = batch.count == limit
            for approval in batch {
                cursor = (approval.step.startedAt, approval.run.id.rawValue, approval.step.key)
                guard Self.mayDecide(approval.step, user: user, role: role) else { continue }
                items.append(approval)
                if items.count == limit { break }
            }
        }
        return (items, items.count == limit ? cursor : nil)
    }
}
