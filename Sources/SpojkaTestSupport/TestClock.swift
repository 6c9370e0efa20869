import Foundation
import SpojkaCore
import Synchronization

/// A clock tests move by hand.
public final class TestClock: WallClock {
    private let current: Mutex<Date>

    /// Starts at `start` (whole milliseconds).
    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    /// The current test time.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
