import Foundation

extension Date {
    /// Milliseconds since 1970-01-01T00:00:00Z, rounded to the nearest millisecond and clamped to `Int64`.
    package var epochMilliseconds: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded()
        if milliseconds.isNaN {
            return 0
        }
        if milliseconds >= Double(Int64.max) {
            return .max
        }
        if milliseconds <= Double(Int64.min) {
            return .min
        }
        return Int64(milliseconds)
    }

    /// The date `epochMilliseconds` after 1970-01-01T00:00:00Z.
    package init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
    }
}
