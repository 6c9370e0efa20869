import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Workflows: what the designer stores and reads (positions, one version, schedule preview)")
struct WorkflowDesignerTests {
    func definition(_ positions: [JSONValue?], name: String = "Laid out") -> JSONValue {
        var start: [String: JSONValue] = ["id": "start", "type": "trigger", "config": ["kind": "manual"]]
        var reply: [String: JSONValue] = ["id": "reply", "type": "response", "config": ["status": 200, "body": "{{ input }}"]]
        if let p = positions.first ?? nil { start["position"] = p }
        if positions.count > 1, let p = positions[1] { reply["position"] = p }
        return ["name": .string(name), "nodes": [.object(start), .object(reply)], "edges": [["from": "start", "to": "reply"]]]
    }

    @Test func positionsAreOptionalStoredAsSentAndValidated() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let placed = definition([["x": 40, "y": .double(-12.5)], ["x": 320, "y": 80]])
            let created = try await api.request(.post, base, token: owner.token, body: placed)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["definition"]?["nodes"]?[0]?["position"] == ["x": 40, "y": .double(-12.5)])
            let id = try #require(created.json["id"]?.stringValue)
            let read = try await api.request(.get, "\(base)/\(id)", token: owner.token)
            #expect(read.json["definition"]?["nodes"]?[1]?["position"] == ["x": 320, "y": 80])
            // Without positions (API users, imports) the definition is just as valid.
            #expect(try await api.request(.put, "\(base)/\(id)", token: owner.token, body: definition([nil, nil])).status == 200)
            for bad: JSONValue in [["x": "left", "y": 0], ["x": 1], ["x": 0, "y": 2_000_000], "here"] {
                let answer = try await api.request(.put, "\(base)/\(id)", token: owner.token, body: definition([bad]))
                #expect(answer.status == 422 && answer.text.contains("position"), "\(bad): \(answer.text)")
            }
            #expect(try await api.request(.get, "\(base)/\(id)", token: owner.token).json["version"] == 2)
        }
    }

    @Test func oneVersionIsReadableWithItsDefinition() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let first = definition([["x": 1, "y": 2]], name: "First")
            let id = try #require(try await api.request(.post, base, token: owner.token, body: first).json["id"]?.stringValue)
            _ = try await api.request(.put, "\(base)/\(id)", token: owner.token, body: definition([nil], name: "Second"))
            let one = try await api.request(.get, "\(base)/\(id)/versions/1", token: owner.token)
            #expect(one.status == 200 && one.json["version"] == 1 && one.json["definition"] == first)
            #expect(one.json["savedBy"]?.stringValue == owner.user)
            #expect(try await api.request(.get, "\(base)/\(id)/versions/9", token: owner.token).status == 404)
            let other = try #require(try await api.request(.post, "/api/v1/workspaces", token: owner.token, body: ["name": "Other"]).json["id"]?.stringValue)
            #expect(try await api.request(.get, "/api/v1/workspaces/\(other)/workflows/\(id)/versions/1", token: owner.token).status == 404)
        }
    }

    @Test func schedulePreviewListsTheNextTimesInTheZone() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let path = "/api/v1/workspaces/\(owner.workspace)/schedule-preview"
            let answer = try await api.request(.get, path + "?cron=0%209%20*%20*%201-5&timezone=Australia/Sydney", token: owner.token)
            #expect(answer.status == 200, "\(answer.text)")
            let array = answer.json["times"]?.arrayValue ?? []
            let times = array.compactMap { $0.stringValue }
            #expect(times.count == 5)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = try #require(TimeZone(identifier: "Australia/Sydney"))
            for text in times {
                let date = try #require(ISO8601DateFormatter.withFractions.date(from: text))
                let parts = calendar.dateComponents([.hour, .minute, .weekday], from: date)
                #expect(parts.hour == 9 && parts.minute == 0 && (2...6).contains(parts.weekday ?? 0), "\(text)")
            }
            #expect(times == times.sorted())
            let bad = try await api.request(.get, path + "?cron=61%20*%20*%20*%20*&timezone=Mars/Olympus", token: owner.token)
            #expect(bad.status == 422 && bad.text.contains("cron") && bad.text.contains("timezone"))
        }
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}
