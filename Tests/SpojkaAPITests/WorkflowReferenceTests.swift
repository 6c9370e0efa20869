import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Issue 10, item 10 and "also fix": utility connectors run in workflows; approvers and subworkflows are checked at save.
@Suite("Workflows: utility connectors and save-time references")
struct WorkflowReferenceTests {
    /// Every tool of every utility connector that ships an example, as a chain of connector nodes without a connection.
    func utilityChain(_ api: TestAPI, _ owner: Owner) async throws -> (definition: JSONValue, nodes: [String: String]) {
        let catalog = try await api.request(.get, "/api/v1/connectors", token: owner.token)
        var nodes: [JSONValue] = [Flow.manual]
        var edges: [JSONValue] = []
        var names: [String: String] = [:]
        var previous = "start"
        for key in (catalog.json["items"]?.arrayValue ?? []).compactMap({ $0["key"]?.stringValue }).sorted() {
            let detail = try await api.request(.get, "/api/v1/connectors/\(key)", token: owner.token)
            guard detail.json["needsConnection"] == false, key != "http" else { continue }
            for tool in detail.json["tools"]?.arrayValue ?? [] {
                guard let name = tool["name"]?.stringValue, let example = tool["examples"]?[0] else { continue }
                let id = "\(key)_\(name)"
                names[id] = "\(key).\(name)"
                nodes.append(Flow.node(id, "connector", ["connector": .string(key), "tool": .string(name), "arguments": example], output: id))
                edges.append(Flow.edge(previous, id))
                previous = id
            }
        }
        return (Flow.definition("Every utility", nodes, edges), names)
    }

    @Test func everyUtilityConnectorRunsInAWorkflow() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let (definition, names) = try await utilityChain(api, owner)
            let connectors = Set(names.values.map { $0.split(separator: ".")[0] })
            #expect(connectors.count >= 10, "every utility connector takes part: \(connectors.sorted())")
            let id = try await api.saveWorkflow(owner, definition)
            let answer = try await api.runAndWait(owner, id)
            #expect(answer.json["status"] == "completed", "\(answer.text.prefix(2000))")
            let run = try await api.run(owner, try #require(answer.json["runId"]?.stringValue ?? answer.json["id"]?.stringValue))
            let steps = run.stepsByKey
            for (node, tool) in names {
                #expect(steps[node]?["status"] == "completed", "\(tool): \(steps[node] ?? .null)")
                #expect(steps[node]?["output"] != nil && steps[node]?["output"] != .null, "\(tool) has an output")
            }
        }
    }

    @Test func aUtilityNodeComputesWithTemplatesFromEarlierSteps() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let id = try await api.saveWorkflow(owner, Flow.definition("Slug", [
                Flow.manual,
                Flow.node("slug", "connector", ["connector": "text", "tool": "slugify", "arguments": ["text": "{{ input.title }}"]], output: "slug"),
                Flow.node("reply", "response", ["body": "{{ slug }}"]),
            ], [Flow.edge("start", "slug"), Flow.edge("slug", "reply")]))
            let answer = try await api.runAndWait(owner, id, input: ["title": "Héllo, World!"])
            #expect(answer.json["status"] == "completed", "\(answer.text)")
            #expect(answer.text.contains("hello-world"), "\(answer.text)")
            let direct = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                               body: ["connector": "text", "tool": "slugify", "arguments": ["text": "Héllo, World!"]])
            #expect(answer.json["output"] == direct.json["output"], "the same as a direct tool call: \(direct.text)")
        }
    }

    @Test func approversAndSubworkflowsMustExistInTheWorkspaceAtSave() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let elsewhere = try await api.request(.post, "/api/v1/workspaces", token: owner.token, body: ["name": "Other"])
            let otherWS = try #require(elsewhere.json["id"]?.stringValue, "\(elsewhere.text)")
            let foreign = try await api.saveWorkflow((owner.token, otherWS, owner.user), Flow.definition("Foreign", [Flow.manual], []))
            func definition(approvers: [JSONValue], child: String) -> JSONValue {
                Flow.definition("Refs", [
                    Flow.manual,
                    Flow.node("ask", "human", ["message": "ok?", "approvers": ["users": .array(approvers)]]),
                    Flow.node("child", "subworkflow", ["workflow": .string(child)]),
                ], [Flow.edge("start", "ask"), Flow.edge("ask", "child")])
            }
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let bad = try await api.request(.post, base, token: owner.token,
                                            body: definition(approvers: [.string(member.user), "usr_AAAAAAAAAAAAAAAAAAAAAAAAAA", 7], child: foreign))
            #expect(bad.status == 422, "\(bad.text)")
            let paths = Set((bad.json["error"]?["details"]?["fields"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue })
            #expect(paths == ["nodes.ask.config.approvers.users[1]", "nodes.ask.config.approvers.users[2]", "nodes.child.config.workflow"], "\(bad.text)")
            let local = try await api.saveWorkflow(owner, Flow.definition("Child", [Flow.manual], []))
            let good = try await api.request(.post, base, token: owner.token, body: definition(approvers: [.string(member.user)], child: local))
            #expect(good.status == 201, "\(good.text)")
        }
    }
}
