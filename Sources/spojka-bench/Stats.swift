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

/// CPU seconds (user + system) this process has used so far: with the load generator in the same process, CPU per
/// run is a figure that other load on a shared machine disturbs much less than runs per second.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Busy CPU seconds of the whole machine so far (every process: servers, database, load generator and anything else
/// running), from the first line of Linux `/proc/stat`; 0 where it cannot be read.
func machineBusyCPUSeconds() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = stat.split(separator: "\n").first else { return 0 }
    // cpu user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
    let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard ticks.count >= 8 else { return 0 }
    return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
