import Foundation
import Logging
import ServiceLifecycle
import SpojkaServer
import SpojkaTestSupport
import Testing

/// Issue 10 item 8: slow or oversized clients cannot hold the server. Raw sockets against the real server on 127.0.0.1,
/// with short timeouts configured; bounds are generous and only say "eventually".
@Suite("Slow clients: timeouts, connection limit, 413 closes")
struct SlowClientTests {
    static func port(_ base: String) -> Int { Int(base.split(separator: ":").last ?? "") ?? 0 }

    @Test func halfSentHeadsAndStalledOrTricklingBodiesAreClosed() async throws {
        let app = try TestApp(configure: { $0.idleTimeout = 0.5; $0.readTimeout = 1 })
        try await app.runLive { base, _ in
            let port = Self.port(base)
            let head = try RawConnection(port: port)
            head.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            let stalled = try RawConnection(port: port)
            stalled.send("POST /api/v1/setup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"em")
            let trickling = try RawConnection(port: port)
            trickling.send("POST /api/v1/setup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            let closed = try await RawConnection.blocking {
                (head.waitForClose(seconds: 20), stalled.waitForClose(seconds: 20), trickling.trickle(every: 0.2, seconds: 20))
            }
            #expect(closed.0, "a half-sent request head was left open")
            #expect(closed.1, "a stalled body was left open")
            #expect(closed.2, "a body trickling in one byte at a time was left open")
            // The server still serves a well-behaved client.
            let fresh = try RawConnection(port: port)
            fresh.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = try await RawConnection.blocking { fresh.responseHead(seconds: 20) }
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(answer ?? "no answer")")
        }
    }

    /// Serves the app as `spojka serve` does (the live test harness drops the connection limit) on a port the
    /// server picks itself, and runs `body` with it.
    func serving(_ app: TestApp, _ body: @Sendable (Int) async throws -> Void) async throws {
        var dependencies = Dependencies()
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        dependencies.onListening = { port in announce.yield(port) }
        var config = app.config
        config.port = 0
        let server = try await buildApplication(config: config, logger: app.logs.logger(level: .warning), dependencies: dependencies)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let services = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "slow-clients")))
            group.addTask { try await services.run() }
            var outcome: (any Error)?
            var listening = ports.makeAsyncIterator()
            if let port = await listening.next() {
                do { try await body(port) } catch { outcome = error }
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            if let outcome { throw outcome }
        }
    }

    @Test func connectionsBeyondTheLimitWaitUntilOneCloses() async throws {
        // The server accepts in small batches, so one batch may slip past the limit; five more connections are
        // well beyond it.
        let app = try TestApp(configure: { $0.maxConnections = 2 })
        try await serving(app) { port in
            let holders = [try RawConnection(port: port), try RawConnection(port: port)]
            for connection in holders {
                connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                let head = try await RawConnection.blocking { connection.responseHead(seconds: 20) }
                #expect(head?.hasPrefix("HTTP/1.1 200") == true, "a connection within the limit is served")
            }
            let waiting = try (0..<5).map { _ in try RawConnection(port: port) }
            for connection in waiting { connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") }
            let servedAtOnce = try await RawConnection.blocking { waiting.filter { $0.responseHead(seconds: 0.3) != nil }.count }
            #expect(servedAtOnce < waiting.count, "every connection beyond the limit was served at once")
            for connection in holders { connection.closeNow() }
            // Each served connection is closed in turn, making room for the next.
            let servedInTheEnd = try await RawConnection.blocking {
                var pending = waiting, served = 0
                let deadline = Date().addingTimeInterval(20)
                while !pending.isEmpty, Date() < deadline {
                    pending.removeAll { connection in
                        guard connection.responseHead(seconds: 0.05)?.hasPrefix("HTTP/1.1 200") == true else { return false }
                        connection.closeNow()
                        served += 1
                        return true
                    }
                }
                return served
            }
            #expect(servedInTheEnd == waiting.count, "connections waiting for room are served once others close")
        }
    }

    @Test func anOversizedBodyGets413AndTheConnectionClosesWithoutReadingTheRest() async throws {
        let app = try TestApp(configure: { $0.bodyLimit = 64 * 1024 })
        try await app.runLive { base, _ in
            let port = Self.port(base)
            let declared = try RawConnection(port: port)
            declared.send("POST /api/v1/setup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 20971520\r\n\r\n")
            declared.send(Array(repeating: UInt8(ascii: "a"), count: 16 * 1024))
            let chunked = try RawConnection(port: port)
            chunked.send("POST /api/v1/setup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = "4000\r\n" + String(repeating: "b", count: 0x4000) + "\r\n"
            for _ in 0..<6 { chunked.send(chunk) }  // 96 KiB, more than the limit; then nothing more
            let (first, second) = try await RawConnection.blocking {
                (declared.waitForClose(seconds: 20), chunked.waitForClose(seconds: 20))
            }
            #expect(declared.text.hasPrefix("HTTP/1.1 413"), "\(declared.text.prefix(200))")
            #expect(declared.text.lowercased().contains("connection: close"))
            #expect(first, "the connection stayed open, waiting for the rest of a 20 MB upload")
            #expect(chunked.text.hasPrefix("HTTP/1.1 413"), "\(chunked.text.prefix(200))")
            #expect(second, "the connection stayed open after 413")
        }
    }

    @Test func timeoutsAndTheConnectionLimitAreConfiguredBySpojkaVariables() throws {
        let config = try ServerConfig.fromEnvironment(["SPOJKA_IDLE_TIMEOUT_SECONDS": "15", "SPOJKA_READ_TIMEOUT_SECONDS": "2.5",
                                                       "SPOJKA_MAX_CONNECTIONS": "300"])
        #expect(config.idleTimeout == 15 && config.readTimeout == 2.5 && config.maxConnections == 300)
        let defaults = ServerConfig()
        #expect(defaults.idleTimeout == 60 && defaults.readTimeout == 30 && defaults.maxConnections == 1000)
        #expect(throws: ConfigError.self) { try ServerConfig.fromEnvironment(["SPOJKA_READ_TIMEOUT_SECONDS": "0"]) }
        #expect(throws: ConfigError.self) { try ServerConfig.fromEnvironment(["SPOJKA_MAX_CONNECTIONS": "many"]) }
    }
}
