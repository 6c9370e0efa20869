import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SpojkaCore
import SpojkaServer

/// A JSON client over real HTTP (for servers on a fixed port, e.g. when a redirect must reach them).
public struct LiveAPI: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let base: String
    /// Every response body seen, for canary checks.
    public let transcript = LogCapture()

    /// A client of the server at `base`.
    public init(base: String) { self.base = base }

    /// Sends a request (redirects followed unless `client` disallows them) and returns the answer.
    public func request(_ method: String, _ path: String, token: String? = nil, body: JSONValue? = nil,
                        client: HTTPClient = .shared) async throws -> JSONResponse {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        request.method = .RAW(value: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        transcript.append("\(response.status.code) \(text)")
        var fields = HTTPFields()
        for header in response.headers { if let name = HTTPField.Name(header.name) { fields[name] = header.value } }
        return JSONResponse(status: Int(response.status.code), headers: fields, text: text)
    }

    /// `POST /api/v1/setup` with a default first user; returns `(token, workspaceID, userID)`.
    public func setUp(email: String = "owner@example.com", password: String? = "owner passphrase 1") async throws -> (token: String, workspace: String, user: String) {
        try await TestAPI.setUp(email: email, password: password) { try await request("POST", "/api/v1/setup", body: $0) }
    }
}

extension TestApp {
    /// Serves the real application on `127.0.0.1:port` (not a random port: OAuth redirects must reach it) and runs `body`.
    public func runServing<T: Sendable>(port: Int, _ body: @Sendable (LiveAPI) async throws -> T) async throws -> T {
        var dependencies = Dependencies()
        dependencies.clock = clock
        var live = config
        live.port = port
        let app = try await buildApplication(config: live, logger: logs.logger(level: config.logLevel), dependencies: dependencies)
        let api = LiveAPI(base: "http://127.0.0.1:\(port)")
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let services = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test-serving")))
            group.addTask { try await services.run() }
            // Whatever fails from here on, the services shut down gracefully (a cancelled app leaves SQLite unclosed).
            let result: Result<T, any Error>
            do {
                let deadline = Date().addingTimeInterval(60)
                while (try? await api.request("GET", "/readyz"))?.status != 200 {
                    guard Date() < deadline else { throw TestFailure("the server did not start on port \(port)") }
                    try await Task.sleep(for: .milliseconds(20))
                }
                result = .success(try await body(api))
            } catch { result = .failure(error) }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}
