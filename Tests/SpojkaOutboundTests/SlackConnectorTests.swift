import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The Slack connector against its replica over loopback.
@Suite("Slack connector")
struct SlackConnectorTests {
    let token: [String: Secret] = ["token": Secret("xoxb-1234567890-replica")]

    @Test func verifiesWithAuthTestAndNamesTheTeam() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(SlackReplica.router(log: log)) { base in
            let slack = try Harness.connector("slack")
            let (output, account) = try await Harness.verify(slack, credentials: token, serviceURL: base + "/api")
            #expect(account == "Acme Corp")
            #expect(output["team_id"] == "T0123ABCD" && output["user_id"] == "U0BOT12345")
            let request = try #require(log.all.first)
            #expect(request.method == "POST" && request.uri == "/api/auth.test")
            #expect(request.headers["authorization"] == "Bearer xoxb-1234567890-replica")
        }
    }

    @Test func messagesArePostedThreadedUpdatedAndReactedTo() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(SlackReplica.router(log: log)) { base in
            let slack = try Harness.connector("slack"), api = base + "/api"
            let posted = try await Harness.call(slack, "send_message", ["channel": "C0123456789", "text": "Deploy finished :rocket:"],
                                                credentials: token, serviceURL: api)
            #expect(posted["channel"] == "C0123456789" && posted["ts"] == "1700000000.000101")
            #expect(posted["message"]?["text"] == "Deploy finished :rocket:" && posted["message"]?["bot_id"] == "B0123BOT")
            let post = try #require(log.all.last)
            #expect(post.uri == "/api/chat.postMessage" && post.headers["content-type"] == "application/json")
            #expect(post.body == #"{"channel":"C0123456789","text":"Deploy finished :rocket:"}"#)

            let blocks: JSONValue = [["type": "section", "text": ["type": "mrkdwn", "text": "*Details*"]]]
            let reply = try await Harness.call(slack, "send_message", ["channel": "#general", "text": "Logs attached", "thread_ts": "1700000000.000101",
                                                                       "blocks": blocks], credentials: token, serviceURL: api)
            #expect(reply["channel"] == "C0123456789" && reply["message"]?["thread_ts"] == "1700000000.000101")
            #expect(reply["message"]?["blocks"] == blocks)

            let updated = try await Harness.call(slack, "update_message", ["channel": "C0123456789", "ts": "1700000000.000101", "text": "Deploy finished (edited)"],
                                                 credentials: token, serviceURL: api)
            #expect(updated == ["channel": "C0123456789", "ts": "1700000000.000101", "text": "Deploy finished (edited)"])
            #expect(log.all.last?.body == #"{"channel":"C0123456789","text":"Deploy finished (edited)","ts":"1700000000.000101"}"#)

            let reaction: JSONValue = ["channel": "C0123456789", "timestamp": "1700000000.000101", "name": "thumbsup"]
            #expect(try await Harness.call(slack, "add_reaction", reaction, credentials: token, serviceURL: api) == ["ok": true])
            #expect(log.all.last?.uri == "/api/reactions.add")
            let again = await Harness.failure(slack, "add_reaction", reaction, credentials: token, serviceURL: api)
            #expect(again?.code == .toolError && again?.message == "already_reacted")

            let history = try await Harness.call(slack, "get_channel_history", ["channel": "C0123456789", "limit": 2], credentials: token, serviceURL: api)
            #expect(history["messages"]?.arrayValue?.compactMap { $0["text"]?.stringValue } == ["Logs attached", "Deploy finished (edited)"])
            #expect(history["has_more"] == true)
            let cursor = try #require(history["next_cursor"]?.stringValue)
            let older = try await Harness.call(slack, "get_channel_history", ["channel": "C0123456789", "limit": 2, "cursor": .string(cursor)],
                                               credentials: token, serviceURL: api)
            #expect(older["messages"]?[0]?["text"] == "Earlier message 3" && older["has_more"] == true)
            let window = try await Harness.call(slack, "get_channel_history", ["channel": "C0123456789", "oldest": "1699999999.000001",
                                                                              "latest": "1700000000.000000"], credentials: token, serviceURL: api)
            #expect(window["messages"]?.arrayValue?.count == 2 && window["has_more"] == false && window["next_cursor"] == .null)
            #expect(log.all.last?.uri == "/api/conversations.history?channel=C0123456789&latest=1700000000.000000&oldest=1699999999.000001")
        }
    }

    @Test func channelsAndUsersAreCollectedAcrossCursorPages() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(SlackReplica.router(log: log)) { base in
            let slack = try Harness.connector("slack"), api = base + "/api"
            let channels = try await Harness.call(slack, "list_channels", ["limit": 2, "types": "public_channel,private_channel"],
                                                  credentials: token, serviceURL: api)
            #expect(channels["count"] == 5)
            #expect(channels["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["general", "random", "dev", "leadership", "old-project"])
            let pages = log.all.filter { $0.uri.hasPrefix("/api/conversations.list") }
            #expect(pages.count == 3 && pages[1].uri.contains("&cursor=") && !pages[0].uri.contains("cursor"))
            let current = try await Harness.call(slack, "list_channels", ["exclude_archived": true], credentials: token, serviceURL: api)
            #expect(Harness.ids(current) == ["C0123456789", "C0123456790", "C0123456791"])

            let users = try await Harness.call(slack, "list_users", ["limit": 2], credentials: token, serviceURL: api)
            #expect(Harness.ids(users) == ["U0123ABCD1", "U0123ABCD2", "U0BOT12345"])
            let egon = try await Harness.call(slack, "lookup_user_by_email", ["email": "spengler@ghostbusters.example.com"], credentials: token, serviceURL: api)
            #expect(egon["id"] == "U0123ABCD1" && egon["real_name"] == "Egon Spengler")
            #expect(log.all.last?.method == "GET" && log.all.last?.uri == "/api/users.lookupByEmail?email=spengler%40ghostbusters.example.com")
        }
    }

    @Test func okFalseAnswersAreClassified() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(SlackReplica.router(log: log)) { base in
            let slack = try Harness.connector("slack"), api = base + "/api"
            let rejected = await Harness.failure(slack, "auth_test", credentials: ["token": Secret("xoxb-revoked")], serviceURL: api)
            #expect(rejected?.code == .authRejected && rejected?.message.contains("invalid_auth") == true)
            let nowhere = await Harness.failure(slack, "send_message", ["channel": "C999NOPE", "text": "hi"], credentials: token, serviceURL: api)
            #expect(nowhere?.code == .toolError && nowhere?.message == "channel_not_found")
            let stranger = await Harness.failure(slack, "lookup_user_by_email", ["email": "nobody@example.com"], credentials: token, serviceURL: api)
            #expect(stranger?.code == .toolError && stranger?.message == "users_not_found")
            let gone = await Harness.failure(slack, "update_message", ["channel": "C0123456789", "ts": "1.2", "text": "x"], credentials: token, serviceURL: api)
            #expect(gone?.message == "message_not_found")
        }
    }
}
