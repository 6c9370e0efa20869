import Foundation

/// Tells the current time; injected so tests can move time.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system clock.
public struct SystemWallClock: WallClock {
    /// Creates the clock.
    public init() {}
    /// `Date()`, truncated to whole milliseconds (the storage precision).
    public func now() -> Date { Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000) }
}
