import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

typealias Owner = (token: String, workspace: String, user: String)

/// Node and edge shorthands for workflow definitions in tests.
enum Flow {
    static func node(_ id: String, _ type: String, _ config: JSONValue, output: String? = nil, extra: [String: JSONValue] = [:]) -> JSONValue {
        var node: [String: JSONValue] = ["id": .string(id), "type": .string(type), "config": config]
        if let output { node["outputVariable"] = .string(output) }
        for (k, v) in extra { node[k] = v }
        return .object(node)
    }

    static func edge(_ from: String, _ to: String, _ handle: String? = nil) -> JSONValue {
        var edge: [String: JSONValue] = ["from": .string(from), "to": .string(to)]
        if let handle { edge["handle"] = .string(handle) }
        return .object(edge)
    }

    static func definition(_ name: String, _ nodes: [JSONValue], _ edges: [JSONValue], timeout: Double? = nil) -> JSONValue {
        var out: [String: JSONValue] = ["name": .string(name), "nodes": .array(nodes), "edges": .array(edges)]
        if let timeout { out["timeoutSeconds"] = .double(timeout) }
        return .object(out)
    }

    static let manual = node("start", "trigger", ["kind": "manual"])
}

extension TestAPI {
    /// Saves a workflow and returns its ID.
    func saveWorkflow(_ owner: Owner, _ definition: JSONValue) async throws -> String {
        let saved = try await request(.post, "/api/v1/workspaces/\(owner.workspace)/workflows", token: owner.token, body: definition)
        guard saved.status == 201, let id = saved.json["id"]?.stringValue else { throw TestFailure("save failed: \(saved.status) \(saved.text)") }
        return id
    }

    /// Starts a run and waits for it to end (or pause); returns the answer of the start request.
    func runAndWait(_ owner: Owner, _ workflow: String, input: JSONValue = [:]) async throws -> JSONResponse {
        try await request(.post, "/api/v1/workspaces/\(owner.workspace)/workflows/\(workflow)/runs", token: owner.token,
                          body: ["input": input, "wait": true, "timeoutSeconds": 60])
    }

    /// Reads a run with its steps.
    func run(_ owner: Owner, _ id: String) async throws -> JSONValue {
        try await request(.get, "/api/v1/workspaces/\(owner.workspace)/runs/\(id)", token: owner.token).json
    }

    /// Polls a run until its status is one of `statuses` (at most `seconds`).
    func waitForRun(_ owner: Owner, _ id: String, _ statuses: Set<String>, seconds: Double = 30) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let run = try await run(owner, id)
            if let status = run["status"]?.stringValue, statuses.contains(status) { return run }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("run \(id) did not reach \(statuses): \(try await run(owner, id))")
    }
}

extension JSONValue {
    /// The steps of a run keyed by step key.
    var stepsByKey: [String: JSONValue] {
        Dictionary((self["steps"]?.arrayValue ?? []).map { ($0["key"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }
}

extension KeyedStripe {
    /// Runs `body` on a fresh app (private network allowed, one HTTP attempt) set up with an owner, beside a Stripe replica
    /// that accepts `key`; `body` gets the replica, its base URL, the client, the owner and the app.
    static func serving(accepting key: String,
                        _ body: @Sendable (KeyedStripe, String, TestAPI, Owner, TestApp) async throws -> Void) async throws {
        let stripe = KeyedStripe()
        stripe.accepted.withLock { $0 = [key] }
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        try await ReplicaServer.run(stripe.router) { base in
            try await app.run { api in try await body(stripe, base, api, try await api.setUp(), app) }
        }
    }
}
