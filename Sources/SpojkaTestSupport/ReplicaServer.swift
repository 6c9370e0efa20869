import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// One request a replica server received.
public struct RecordedRequest: Sendable {
    /// Method.
    public let method: String
    /// Path with query.
    public let uri: String
    /// Headers (lowercased names).
    public let headers: [String: String]
    /// Body text.
    public let body: String
}

/// Requests a replica received, in order.
public final class RequestLog: Sendable {
    private let entries = Mutex<[RecordedRequest]>([])
    /// Creates an empty log.
    public init() {}
    /// Every request so far.
    public var all: [RecordedRequest] { entries.withLock { $0 } }
    /// Adds one.
    public func record(_ request: RecordedRequest) { entries.withLock { $0.append(request) } }
}

/// Records every request before the replica's own routes answer.
public struct RecordingMiddleware<Context: RequestContext>: RouterMiddleware {
    let log: RequestLog
    /// Creates the middleware.
    public init(log: RequestLog) { self.log = log }

    /// Records and passes on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        log.record(RecordedRequest(method: request.method.rawValue, uri: request.uri.description, headers: headers, body: String(buffer: body)))
        return try await next(request, context)
    }
}

/// Runs a replica of a third-party API on 127.0.0.1 (a free port) for the duration of `body`.
public enum ReplicaServer {
    /// Serves `router` on loopback and calls `body` with its base URL (`http://127.0.0.1:PORT`).
    public static func run<T: Sendable>(_ router: Router<BasicRequestContext>,
                                        _ body: @Sendable (String) async throws -> T) async throws -> T {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "replica")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "replica"),
                              onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
                              logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = portStream.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("replica did not start") }
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
