import Foundation
import Logging
import Synchronization

/// Collects every log line (message and metadata) so tests can search it for secrets.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Creates an empty capture.
    public init() {}

    /// A logger writing into this capture at `level`.
    public func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "spojka-test") { label in CapturingHandler(capture: self, label: label) }
        logger.logLevel = level
        return logger
    }

    /// Everything logged so far, one entry per line.
    public var all: [String] { lines.withLock { $0 } }

    /// Records one entry.
    public func record(_ line: String) { lines.withLock { $0.append(line) } }

    func append(_ line: String) { record(line) }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        capture.append("\(event.level) \(label): \(event.message) \(merged) [\(event.source)]")
    }
}

/// A thread-safe list that tests append to from any task.
public final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    /// Creates an empty recorder.
    public init() {}
    /// Appends one value.
    public func append(_ value: Value) { values.withLock { $0.append(value) } }
    /// Everything recorded so far.
    public var all: [Value] { values.withLock { $0 } }
}
