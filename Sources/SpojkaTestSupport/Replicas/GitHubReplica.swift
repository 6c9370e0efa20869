import Foundation
import Hummingbird
import SpojkaCore
import Synchronization

/// A replica of the GitHub REST API (`https://api.github.com`): the user, repositories, issues and comments.
///
/// Checks what GitHub checks: a `User-Agent` (403 without), `X-GitHub-Api-Version` when sent (400 for an
/// unsupported one), `Authorization: Bearer|token …` (401 `Bad credentials` / `Requires authentication`),
/// JSON bodies, `Validation Failed` (422) for a missing title or body and unknown assignees, 404 `Not Found`
/// for unknown repositories and issues, and pages with `per_page`/`page` and a `Link` header (`rel="next"`).
public enum GitHubReplica {
    /// The replica's routes; `token` is the one token it accepts.
    public static func router(log: RequestLog, token: String = "ghp_16C7e42F292c6912E7710c838347Ae178B4a") -> Router<BasicRequestContext> {
        let state = GitHubState()
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.add(middleware: GateMiddleware { request in
            guard ReplicaKit.header(request, "user-agent")?.isEmpty == false else {
                return ReplicaKit.json(["message": "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes."], status: 403)
            }
            if let version = ReplicaKit.header(request, "x-github-api-version"), !["2022-11-28", "2026-03-10"].contains(version) {
                return error(400, "API version '\(version)' is not supported.", doc: "https://docs.github.com/rest/about-the-rest-api/api-versions")
            }
            guard let header = ReplicaKit.header(request, "authorization") else {
                return error(401, "Requires authentication", doc: "https://docs.github.com/rest")
            }
            return header == "Bearer \(token)" || header == "token \(token)" ? nil : error(401, "Bad credentials", doc: "https://docs.github.com/rest")
        })
        router.get("/user") { _, _ in ReplicaKit.json(user("octocat", 583231, name: "The Octocat", email: "octocat@github.com")) }
        router.get("/user/repos") { request, _ -> Response in
            let visibility = ReplicaKit.query(request, "visibility") ?? "all"
            var repos = state.withLock { $0.repos }.filter { visibility == "all" || ($0["private"] == true) == (visibility == "private") }
            if (ReplicaKit.query(request, "sort") ?? "full_name") == "full_name" {
                repos.sort { ($0["full_name"]?.stringValue ?? "") < ($1["full_name"]?.stringValue ?? "") }
            }
            return page(repos, request: request)
        }
        router.get("/repos/{owner}/{repo}/issues") { request, context -> Response in
            guard let key = state.repoKey(context), let all = state.withLock({ $0.issues[key] }) else {
                return error(404, "Not Found", doc: "https://docs.github.com/rest/issues/issues#list-repository-issues")
            }
            let wanted = ReplicaKit.query(request, "state") ?? "open"
            let labels = (ReplicaKit.query(request, "labels") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return page(all.filter { issue in
                let names = issue["labels"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                return (wanted == "all" || issue["state"]?.stringValue == wanted) && labels.allSatisfy(names.contains)
            }, request: request)
        }
        router.post("/repos/{owner}/{repo}/issues") { request, context -> Response in
            let doc = "https://docs.github.com/rest/issues/issues#create-an-issue"
            guard let key = state.repoKey(context), state.withLock({ $0.issues[key] }) != nil else { return error(404, "Not Found", doc: doc) }
            guard ReplicaKit.mediaType(request).contains("json"), let body = try await ReplicaKit.jsonBody(request)?.objectValue else {
                return error(400, "Problems parsing JSON", doc: doc)
            }
            guard let title = body["title"]?.stringValue, !title.isEmpty else { return invalid("Issue", "title", code: "missing_field", doc: doc) }
            let assignees = body["assignees"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let stranger = assignees.first(where: { !["octocat", "hubot"].contains($0) }) {
                return invalid("Issue", "assignees", code: "invalid", value: stranger, doc: doc)
            }
            let labels = body["labels"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let created = state.withLock { data -> JSONValue in
                let number = 1347 + (data.issues[key]?.count ?? 0)
                let made = issue(key, number, title, body: body["body"]?.stringValue, labels: labels, assignees: assignees)
                data.issues[key, default: []].insert(made, at: 0)
                return made
            }
            return ReplicaKit.json(created, status: 201)
        }
        router.post("/repos/{owner}/{repo}/issues/{number}/comments") { request, context -> Response in
            let doc = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
            let number = context.parameters.get("number").flatMap { Int($0) }
            guard let key = state.repoKey(context), let number,
                  state.withLock({ $0.issues[key]?.contains { $0["number"] == .int(number) } }) == true else {
                return error(404, "Not Found", doc: doc)
            }
            guard let text = try await ReplicaKit.jsonBody(request)?["body"]?.stringValue, !text.isEmpty else {
                return invalid("IssueComment", "body", code: "missing_field", doc: doc)
            }
            let id = state.withLock { data -> Int in data.comments += 1; return 1_000_000 + data.comments }
            return ReplicaKit.json(["id": .int(id), "node_id": .string("IC_kwDOReplica\(id)"), "body": .string(text),
                                    "user": user("octocat", 583231), "html_url": .string("https://github.com/\(key)/issues/\(number)#issuecomment-\(id)"),
                                    "issue_url": .string("https://api.github.com/repos/\(key)/issues/\(number)"),
                                    "created_at": "2024-01-15T10:00:00Z", "updated_at": "2024-01-15T10:00:00Z",
                                    "author_association": "OWNER"], status: 201)
        }
        return router
    }

    static func error(_ status: Int, _ message: String, doc: String) -> Response {
        ReplicaKit.json(["message": .string(message), "documentation_url": .string(doc), "status": .string(String(status))], status: status)
    }

    static func invalid(_ resource: String, _ field: String, code: String, value: String? = nil, doc: String) -> Response {
        var detail: [String: JSONValue] = ["resource": .string(resource), "field": .string(field), "code": .string(code)]
        if let value { detail["value"] = .string(value) }
        return ReplicaKit.json(["message": "Validation Failed", "errors": [.object(detail)], "documentation_url": .string(doc), "status": "422"], status: 422)
    }

    /// One page (`per_page` 1–100, default 30; `page` from 1) with a `Link` header pointing back at this host.
    static func page(_ items: [JSONValue], request: Request) -> Response {
        let perPage = min(100, max(1, Int(ReplicaKit.query(request, "per_page") ?? "") ?? 30))
        let number = max(1, Int(ReplicaKit.query(request, "page") ?? "") ?? 1)
        let last = max(1, (items.count + perPage - 1) / perPage)
        let slice = Array(items.dropFirst((number - 1) * perPage).prefix(perPage))
        let host = request.head.authority ?? ReplicaKit.header(request, "host") ?? "127.0.0.1"
        let others = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(String($0.value).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        func url(_ page: Int) -> String { "<http://\(host)\(request.uri.path)?\((others + ["page=\(page)"]).joined(separator: "&"))>" }
        var links: [String] = []
        if number < last { links += ["\(url(number + 1)); rel=\"next\"", "\(url(last)); rel=\"last\""] }
        if number > 1 { links += ["\(url(1)); rel=\"first\"", "\(url(number - 1)); rel=\"prev\""] }
        return ReplicaKit.json(.array(slice), headers: links.isEmpty ? [] : [("Link", links.joined(separator: ", "))])
    }

    static func user(_ login: String, _ id: Int, name: String? = nil, email: String? = nil) -> JSONValue {
        var user: [String: JSONValue] = ["login": .string(login), "id": .int(id), "node_id": .string("MDQ6VXNlcj\(id)"), "type": "User",
                                         "avatar_url": .string("https://github.com/images/error/\(login)_happy.gif"),
                                         "html_url": .string("https://github.com/\(login)"), "site_admin": false]
        if let name { user["name"] = .string(name); user["email"] = email.map(JSONValue.string) ?? .null; user["company"] = "@github" }
        return .object(user)
    }

    static func issue(_ repo: String, _ number: Int, _ title: String, body: String?, labels: [String], assignees: [String], state: String = "open") -> JSONValue {
        ["id": .int(1_000_000 + number), "node_id": .string("I_kwDOReplica\(number)"), "number": .int(number), "title": .string(title),
         "state": .string(state), "body": body.map(JSONValue.string) ?? .null, "user": user("octocat", 583231),
         "labels": .array(labels.enumerated().map { ["id": .int(208_045_946 + $0.offset), "name": .string($0.element), "color": "f29513"] }),
         "assignees": .array(assignees.map { user($0, $0 == "hubot" ? 1 : 583231) }), "comments": 0, "locked": false,
         "html_url": .string("https://github.com/\(repo)/issues/\(number)"), "url": .string("https://api.github.com/repos/\(repo)/issues/\(number)"),
         "created_at": "2024-01-15T09:00:00Z", "updated_at": "2024-01-15T09:00:00Z", "author_association": "OWNER"]
    }
}

/// The repositories and issues a ``GitHubReplica`` holds.
struct GitHubData {
    var repos: [JSONValue] = ["Hello-World", "Spoon-Knife", "linguist", "octocat.github.io", "git-consortium"].enumerated().map { index, name in
        ["id": .int(1_296_269 + index), "node_id": .string("MDEwOlJlcG9zaXRvcnkx\(index)"), "name": .string(name),
         "full_name": .string("octocat/\(name)"), "private": .bool(index == 2), "owner": GitHubReplica.user("octocat", 583231),
         "html_url": .string("https://github.com/octocat/\(name)"), "description": .string("Repository \(name)"), "fork": false,
         "default_branch": "main", "visibility": .string(index == 2 ? "private" : "public"), "updated_at": .string("2024-01-1\(index)T12:00:00Z")]
    }
    var issues: [String: [JSONValue]] = ["octocat/hello-world": (0..<5).map { n in
        GitHubReplica.issue("octocat/Hello-World", 1346 - n, "Issue \(1346 - n)", body: "Details", labels: n % 2 == 0 ? ["bug"] : ["docs"],
                            assignees: [], state: n == 4 ? "closed" : "open")
    }]
    var comments = 0
}

/// Mutex-guarded ``GitHubData``.
final class GitHubState: Sendable {
    private let data = Mutex(GitHubData())
    func withLock<T: Sendable>(_ body: (inout GitHubData) -> T) -> T { data.withLock { body(&$0) } }
    /// `owner/repo` lowercased (GitHub names are case-insensitive), from the route parameters.
    func repoKey(_ context: BasicRequestContext) -> String? {
        guard let owner = context.parameters.get("owner"), let repo = context.parameters.get("repo") else { return nil }
        return "\(owner)/\(repo)".lowercased()
    }
}
