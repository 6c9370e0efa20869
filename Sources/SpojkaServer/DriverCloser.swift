import ServiceLifecycle
import SpojkaOutbound
import SpojkaStore

/// Closes the database driver when the service group shuts down.
struct DriverCloser: Service {
    let driver: any SQLDriver

    func run() async throws {
        try? await gracefulShutdown()
        await driver.shutdown()
    }
}

/// Closes the outgoing HTTP client when the service group shuts down.
struct TransportCloser: Service {
    let transport: PolicyHTTPTransport

    func run() async throws {
        try? await gracefulShutdown()
        try? await transport.shutdown()
    }
}
