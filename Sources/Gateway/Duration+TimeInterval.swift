import Foundation

extension Duration {
    /// The duration in seconds, fractions included.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
