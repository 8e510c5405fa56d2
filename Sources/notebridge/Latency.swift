/// What the bench commands share: durations in milliseconds or seconds, and percentiles of sorted samples.
enum Latency {
    /// A duration in milliseconds.
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Runs `body` three times to warm up, then `iterations` times, timing each run: the p50 and p90 in
    /// milliseconds, and a checksum of what the runs returned (report or test it, so that the work is kept).
    static func measure(iterations: Int, _ body: () throws -> Int) rethrows -> (p50: Double, p90: Double, checksum: Int) {
        let clock = ContinuousClock()
        var checksum = 0
        for _ in 0..<3 { checksum &+= try body() }
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let begin = clock.now
            checksum &+= try body()
            samples.append(milliseconds(clock.now - begin))
        }
        samples.sort()
        return (percentile(samples, 0.5), percentile(samples, 0.9), checksum)
    }

    /// The `p` percentile (0–1) of ascending samples; 0 when there are none.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
