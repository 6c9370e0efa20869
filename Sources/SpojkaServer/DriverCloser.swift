import ServiceLifecycle
import SpojkaStore

/// Closes the database driver when the service group shuts down.
struct DriverCloser: Service {
    let driver: any SQLDriver

    func run() async throws {
        try? await gracefulShutdown()
        await driver.shutdown()
    }
}
