import Foundation

/// One OS process of the real `spojka` binary (`serve` or `worker`), its output in a file: for tests and benchmarks
/// that need the server in a process of its own.
public final class SpojkaProcess: @unchecked Sendable {
    /// A name for messages and the log file (`server0`).
    public let name: String
    /// The process.
    public let process = Process()
    /// Where its standard output and error go.
    public let logPath: String
    /// `http://127.0.0.1:PORT` of a server once it said so; `nil` for a worker.
    public private(set) var url: String?

    /// Launches `binary` with `arguments`, the environment of this process overlaid with `environment`.
    public init(binary: String, name: String, arguments: [String], environment: [String: String], directory: String) throws {
        self.name = name
        logPath = directory + "/\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Starts `spojka serve --port 0` (or `spojka worker`) on the data directory `directory/name` and waits for the line
    /// saying it is up; a server's URL is read from that line.
    public static func start(binary: String, name: String, worker: Bool = false, environment: [String: String],
                             directory: String) async throws -> SpojkaProcess {
        let data = directory + "/" + name
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let arguments = worker ? ["worker", "--data", data] : ["serve", "--port", "0", "--data", data]
        let started = try SpojkaProcess(binary: binary, name: name, arguments: arguments, environment: environment, directory: directory)
        do {
            let line = try await started.waitForLine(worker ? "executing queued runs" : "Spojka is listening on")
            if !worker { started.url = line.split(separator: " ").last.map(String.init) }
        } catch {
            started.stop()
            throw error
        }
        return started
    }

    /// Everything the process printed so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The first printed line containing `needle`, waiting up to `seconds` for it.
    public func waitForLine(_ needle: String, seconds: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(needle) }) { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("\(name): no line containing \(needle) in: \(log.suffix(3000))")
    }

    /// User plus system CPU seconds the process has used so far (Linux `/proc`; 0 where it cannot be read).
    public var cpuSeconds: Double { ProcessCPU.stat(process.processIdentifier)?.own ?? 0 }

    /// Ends the process at once (SIGKILL) and reaps it.
    public func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Asks the process to shut down gracefully (SIGTERM) and waits for it; after `seconds` it is killed.
    public func stop(seconds: Double = 30) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill9() } else { process.waitUntilExit() }
    }
}

/// CPU time of Linux processes, from `/proc/PID/stat`.
public enum ProcessCPU {
    /// `pid`'s parent, its own user plus system seconds, and those of its children it has reaped; `nil` where unreadable.
    public static func stat(_ pid: Int32) -> (parent: Int32, own: Double, reaped: Double)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": state, ppid, … utime (14th field), stime, cutime, cstime.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let parent = Int32(fields[1]) else { return nil }
        let ticks = fields[11...14].map { Double($0) ?? 0 }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (parent, (ticks[0] + ticks[1]) / hertz, (ticks[2] + ticks[3]) / hertz)
    }

    /// CPU seconds of `root` and its children, living or ended (a PostgreSQL server and its backends, say).
    public static func treeSeconds(_ root: Int32) -> Double {
        guard let top = stat(root) else { return 0 }
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
            .compactMap { stat($0) }.filter { $0.parent == root }
        return children.reduce(top.own + top.reaped) { $0 + $1.own + $1.reaped }
    }
}
