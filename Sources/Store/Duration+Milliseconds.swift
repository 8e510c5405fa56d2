extension Duration {
    /// The duration in whole milliseconds (truncated), clamped to `Int64`.
    package var clampedMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow {
            return seconds < 0 ? .min : .max
        }
        let (total, sumOverflow) = milliseconds.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if sumOverflow {
            return milliseconds < 0 ? .min : .max
        }
        return total
    }
}
