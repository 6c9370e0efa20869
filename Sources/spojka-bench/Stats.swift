import Foundation

/// Percentiles of a set of timings.
struct Stats {
    let samples: [Double]  // seconds, sorted

    init(_ samples: [Double]) { self.samples = samples.sorted() }

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let index = min(samples.count - 1, Int((p / 100 * Double(samples.count - 1)).rounded()))
        return samples[index]
    }

    var p50: Double { percentile(50) }
    var p99: Double { percentile(99) }
    var mean: Double { samples.reduce(0, +) / Double(max(1, samples.count)) }
}

/// Times `body` `count` times after `warmup` runs; returns per-call seconds.
func measure(count: Int, warmup: Int = 100, _ body: () throws -> Void) rethrows -> Stats {
    for _ in 0..<warmup { try body() }
    var samples: [Double] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return Stats(samples)
}

/// Async variant of `measure`.
func measureAsync(count: Int, warmup: Int = 50, _ body: () async throws -> Void) async rethrows -> Stats {
    for _ in 0..<warmup { try await body() }
    var samples: [Double] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return Stats(samples)
}

func micros(_ seconds: Double) -> String { String(format: "%.1f µs", seconds * 1e6) }
func millis(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1e3) }

