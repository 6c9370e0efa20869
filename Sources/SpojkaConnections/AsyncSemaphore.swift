/// A counting semaphore for bounding concurrent runs.
package actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A semaphore with `count` permits.
    package init(_ count: Int) { available = count }

    /// Takes a permit, waiting for one if none is free.
    package func acquire() async {
        if available > 0 { available -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Returns a permit.
    package func release() {
        if waiters.isEmpty { available += 1 } else { waiters.removeFirst().resume() }
    }
}
