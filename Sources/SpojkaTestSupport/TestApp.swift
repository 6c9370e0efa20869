import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import SpojkaCore
import SpojkaServer
import SpojkaStore

/// A JSON answer from the test server.
public struct JSONResponse: Sendable {
    /// HTTP status code.
    public let status: Int
    /// Response headers.
    public let headers: HTTPFields
    /// Raw body text.
    public let text: String
    /// Parsed body (`null` when empty or not JSON).
    public var json: JSONValue {
        (try? JSONValue(parsingText: text, maxDepth: 4096)) ?? .null
    }
    /// `error.code` of an error answer.
    public var errorCode: String? { json["error"]?["code"]?.stringValue }
}

/// A client for the app under test that speaks JSON and keeps a transcript for canary checks.
public struct TestAPI: Sendable {
    let client: any TestClientProtocol
    /// Every response body and header seen, for secret-canary searches.
    public let transcript: LogCapture

    /// Sends a request; `body` is encoded as JSON when given, `raw` is sent as is; `extraHeaders` are added.
    public func request(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, body: JSONValue? = nil,
                        raw: String? = nil, contentType: String? = "application/json", extraHeaders: [String: String] = [:]) async throws -> JSONResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        for (name, value) in extraHeaders { if let field = HTTPField.Name(name) { headers[field] = value } }
        if let contentType, body != nil || raw != nil { headers[.contentType] = contentType }
        var buffer: ByteBuffer?
        if let body { buffer = ByteBuffer(data: try JSONEncoder().encode(body)) }
        if let raw { buffer = ByteBuffer(string: raw) }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: buffer)
        let text = String(buffer: response.body)
        transcript.append("\(response.status.code) \(response.headers) \(text)")
        return JSONResponse(status: Int(response.status.code), headers: response.headers, text: text)
    }

    /// Sends a request with a raw `Authorization` header (or none).
    public func raw(_ method: HTTPRequest.Method, _ path: String, authorization: String?) async throws -> JSONResponse {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: nil)
        let text = String(buffer: response.body)
        transcript.append("\(response.status.code) \(response.headers) \(text)")
        return JSONResponse(status: Int(response.status.code), headers: response.headers, text: text)
    }

    /// `POST /api/v1/setup` with a default first user; returns `(token, workspaceID, userID)`.
    public func setUp(email: String = "owner@example.com", password: String? = "owner passphrase 1") async throws -> (token: String, workspace: String, user: String) {
        try await Self.setUp(email: email, password: password) { try await request(.post, "/api/v1/setup", body: $0) }
    }

    /// `POST /api/v1/setup` sent by `post` (any client); returns `(token, workspaceID, userID)`.
    static func setUp(email: String, password: String?, post: (JSONValue) async throws -> JSONResponse) async throws
        -> (token: String, workspace: String, user: String) {
        var body: [String: JSONValue] = ["email": .string(email), "name": "Owner", "workspace": "Acme"]
        if let password { body["password"] = .string(password) }
        let answer = try await post(.object(body))
        guard answer.status == 201, let token = answer.json["token"]?.stringValue,
              let ws = answer.json["workspace"]?["id"]?.stringValue, let user = answer.json["user"]?["id"]?.stringValue else {
            throw TestFailure("setup failed: \(answer.status) \(answer.text)")
        }
        return (token, ws, user)
    }

    /// Adds a member and accepts the invitation; returns the new member's `(token, userID)`.
    public func addMember(_ email: String, role: String, workspace: String, by token: String) async throws -> (token: String, user: String) {
        let added = try await request(.post, "/api/v1/workspaces/\(workspace)/members", token: token,
                                      body: ["email": .string(email), "role": .string(role)])
        guard added.status == 201, let invite = added.json["invitation"]?["token"]?.stringValue else {
            throw TestFailure("add member failed: \(added.status) \(added.text)")
        }
        let accepted = try await request(.post, "/api/v1/invitations/accept",
                                         body: ["token": .string(invite), "name": .string(email), "password": "member passphrase"])
        guard let memberToken = accepted.json["token"]?.stringValue, let user = accepted.json["user"]?["id"]?.stringValue else {
            throw TestFailure("accept failed: \(accepted.text)")
        }
        return (memberToken, user)
    }
}

/// A test-harness failure with a message.
public struct TestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates a failure.
    public init(_ description: String) { self.description = description }
}

/// Builds the real application (same `buildApplication` as `spojka serve`) on a temporary data directory.
public struct TestApp: Sendable {
    /// The configuration used.
    public let config: ServerConfig
    /// Captured log lines of the app.
    public let logs = LogCapture()
    /// The app's clock.
    public let clock: TestClock
    /// Reloads the app's connector folder while it runs (what SIGHUP does for `spojka serve`).
    public let reloads = ReloadTrigger()

    /// A configuration on a fresh temporary data directory with a cheap password cost.
    public init(configure: (inout ServerConfig) -> Void = { _ in }, clock: TestClock = TestClock()) throws {
        var config = ServerConfig()
        config.dataDirectory = try TestDatabase.temporaryDirectory()
        config.port = 0
        config.passwordCost = 10
        config.publicURL = "http://spojka.test"
        configure(&config)
        self.config = config
        self.clock = clock
    }

    /// Opens a second connection to the app's SQLite database (for arranging state the API cannot yet create).
    public func withStore<T: Sendable>(_ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        let driver = try await SQLiteDriver.open(path: config.sqlitePath, logger: Logger(label: "test-store"))
        return try await driver.shuttingDown { try await body(SQLStore(driver: $0)) }
    }

    /// Builds the app, serves it on loopback (`port` 0: any free one), and runs `body` with its base URL and a client.
    public func runLive<T: Sendable>(port: Int = 0, _ body: @Sendable (String, TestAPI) async throws -> T) async throws -> T {
        var dependencies = Dependencies()
        dependencies.clock = clock
        dependencies.reloads = reloads
        var live = config
        live.port = port
        let app = try await buildApplication(config: live, logger: logs.logger(level: config.logLevel), dependencies: dependencies)
        let transcript = LogCapture()
        // A throwing test would cancel the services instead of shutting them down: carry the error out instead.
        let result: Result<T, any Error> = try await app.test(.live) { client in
            let port = client.port ?? 0
            do { return .success(try await body("http://127.0.0.1:\(port)", TestAPI(client: client, transcript: transcript))) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Builds the app and runs `test` against its router (no sockets).
    public func run<T: Sendable>(_ test: @Sendable (TestAPI) async throws -> T) async throws -> T {
        var dependencies = Dependencies()
        dependencies.clock = clock
        dependencies.reloads = reloads
        let app = try await buildApplication(config: config, logger: logs.logger(), dependencies: dependencies)
        let transcript = LogCapture()
        let result: Result<T, any Error> = try await app.test(.router) { client in
            do { return .success(try await test(TestAPI(client: client, transcript: transcript))) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
