import Foundation
import Synchronization

/// Makes MSH-10 values for the acknowledgments the gateway sends: unique within this process and across
/// restarts (a millisecond clock prefix), at most 20 characters as HL7 v2.5 allows.
public final class AcknowledgmentControlIDs: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    /// Starts a sequence whose prefix is the start time.
    public init(now: Date = Date()) {
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        prefix = "NB" + String(milliseconds, radix: 36, uppercase: true)
    }

    /// The next control ID: `NB` + start time + `-` + a sequence number, base 36.
    public func next() -> String {
        let value = counter.add(1, ordering: .relaxed).newValue
        return prefix + "-" + String(value, radix: 36, uppercase: true)
    }
}
