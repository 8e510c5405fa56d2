/// The bounds on the audio a transcription accepts.
public struct TranscriptionLimits: Sendable, Hashable {
    /// The largest audio file accepted, in bytes (default 100 MB).
    public var maximumBytes: Int
    /// The longest audio accepted (default 2 hours).
    public var maximumDuration: Duration

    /// The default limits: 100 MB and 2 hours.
    public static let `default` = TranscriptionLimits(maximumBytes: 100_000_000, maximumDuration: .seconds(7200))

    /// Creates limits.
    public init(maximumBytes: Int, maximumDuration: Duration) {
        self.maximumBytes = maximumBytes
        self.maximumDuration = maximumDuration
    }

    /// The duration limit in whole seconds, at least one.
    var maximumSeconds: Int {
        max(1, Int(maximumDuration.components.seconds))
    }
}
