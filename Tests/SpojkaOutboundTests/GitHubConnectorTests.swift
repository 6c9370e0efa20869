import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The GitHub connector against its replica over loopback.
@Suite("GitHub connector")
struct GitHubConnectorTests {
    let token: [String: Secret] = ["token": Secret("ghp_16C7e42F292c6912E7710c838347Ae178B4a")]

    @Test func verifiesWithTheAuthenticatedUserAndSendsGitHubHeaders() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(GitHubReplica.router(log: log)) { base in
            let github = try Harness.connector("github")
            let (user, account) = try await Harness.verify(github, credentials: token, serviceURL: base)
            #expect(account == "octocat")
            #expect(user["id"] == 583231 && user["name"] == "The Octocat")
            let request = try #require(log.all.first)
            #expect(request.method == "GET" && request.uri == "/user")
            #expect(request.headers["authorization"] == "Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a")
            #expect(request.headers["x-github-api-version"] == "2022-11-28")
            #expect(request.headers["accept"]?.contains("application/vnd.github+json") == true)
            #expect(request.headers["user-agent"]?.isEmpty == false)
        }
    }

    @Test func repositoriesAndIssuesFollowLinkPages() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(GitHubReplica.router(log: log)) { base in
            let github = try Harness.connector("github")
            let repos = try await Harness.call(github, "list_repositories", ["per_page": 2], credentials: token, serviceURL: base)
            #expect(repos["count"] == 5)
            #expect(Harness.ids(repos, "name") == ["Hello-World", "Spoon-Knife", "git-consortium", "linguist", "octocat.github.io"])
            #expect(log.all.map(\.uri) == ["/user/repos?per_page=2", "/user/repos?per_page=2&page=2", "/user/repos?per_page=2&page=3"])
            #expect(log.all.allSatisfy { $0.headers["authorization"] == "Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a" })
            let privateOnly = try await Harness.call(github, "list_repositories", ["visibility": "private"], credentials: token, serviceURL: base)
            #expect(Harness.ids(privateOnly, "full_name") == ["octocat/linguist"])

            let open = try await Harness.call(github, "list_issues", ["owner": "octocat", "repo": "Hello-World", "per_page": 3],
                                              credentials: token, serviceURL: base)
            #expect(open["count"] == 4 && open["items"]?[0]?["number"] == 1346 && open["items"]?[0]?["labels"]?[0]?["name"] == "bug")
            #expect(log.all.last?.uri == "/repos/octocat/Hello-World/issues?per_page=3&page=2")
            let all = try await Harness.call(github, "list_issues", ["owner": "octocat", "repo": "Hello-World", "state": "all", "labels": "bug"],
                                             credentials: token, serviceURL: base)
            #expect(all["items"]?.arrayValue?.compactMap { $0["number"] } == [1346, 1344, 1342])
        }
    }

    @Test func issuesAndCommentsAreCreatedWithJSONBodies() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(GitHubReplica.router(log: log)) { base in
            let github = try Harness.connector("github")
            let issue = try await Harness.call(github, "create_issue", ["owner": "octocat", "repo": "Hello-World", "title": "Found a bug",
                                                                        "body": "I'm having a problem with this.", "labels": ["bug"], "assignees": ["hubot"]],
                                               credentials: token, serviceURL: base)
            #expect(issue["number"] == 1352 && issue["state"] == "open" && issue["title"] == "Found a bug")
            #expect(issue["labels"]?[0]?["name"] == "bug" && issue["assignees"]?[0]?["login"] == "hubot")
            let post = try #require(log.all.last)
            #expect(post.method == "POST" && post.uri == "/repos/octocat/Hello-World/issues" && post.headers["content-type"] == "application/json")
            #expect(post.body == #"{"assignees":["hubot"],"body":"I'm having a problem with this.","labels":["bug"],"title":"Found a bug"}"#)

            let comment = try await Harness.call(github, "create_comment", ["owner": "octocat", "repo": "Hello-World", "issue_number": 1352, "body": "Me too"],
                                                 credentials: token, serviceURL: base)
            #expect(comment["body"] == "Me too" && comment["html_url"]?.stringValue?.hasSuffix("/issues/1352#issuecomment-1000001") == true)
            #expect(log.all.last?.uri == "/repos/octocat/Hello-World/issues/1352/comments" && log.all.last?.body == #"{"body":"Me too"}"#)
        }
    }

    @Test func failuresCarryGitHubsMessage() async throws {
        let log = RequestLog()
        try await ReplicaServer.run(GitHubReplica.router(log: log)) { base in
            let github = try Harness.connector("github")
            let rejected = await Harness.failure(github, "get_authenticated_user", credentials: ["token": Secret("ghp_expired")], serviceURL: base)
            #expect(rejected?.code == .authRejected && rejected?.message.contains("Bad credentials") == true)
            let stranger = await Harness.failure(github, "create_issue", ["owner": "octocat", "repo": "Hello-World", "title": "x", "assignees": ["ghost"]],
                                                 credentials: token, serviceURL: base)
            #expect(stranger?.code == .toolError && stranger?.message == "Validation Failed" && stranger?.details["status"] == 422)
            let missing = await Harness.failure(github, "list_issues", ["owner": "octocat", "repo": "no-such-repo"], credentials: token, serviceURL: base)
            #expect(missing?.code == .toolError && missing?.message == "Not Found")
            let noIssue = await Harness.failure(github, "create_comment", ["owner": "octocat", "repo": "Hello-World", "issue_number": 9, "body": "?"],
                                                credentials: token, serviceURL: base)
            #expect(noIssue?.message == "Not Found")
            // Path parameters are escaped as one segment: a slash cannot reach another endpoint.
            let sneaky = await Harness.failure(github, "list_issues", ["owner": "octocat", "repo": "Hello-World/../x"], credentials: token, serviceURL: base)
            #expect(sneaky?.code == .invalidArguments)
        }
    }
}
