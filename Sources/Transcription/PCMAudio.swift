/// Decoded audio: mono, signed 16-bit samples at a fixed rate (16 kHz from ``AudioDecoder``).
public struct PCMAudio: Sendable {
    /// The samples, one channel.
    public var samples: [Int16]
    /// Samples per second.
    public var sampleRate: Int

    /// Creates audio from samples.
    public init(samples: [Int16], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = max(1, sampleRate)
    }

    /// How long the audio plays, in seconds.
    public var seconds: Double { Double(samples.count) / Double(sampleRate) }
}

/// A stretch of audio, in seconds from its start.
public struct AudioSpan: Sendable, Hashable, Codable {
    /// Where it starts, in seconds.
    public var start: Double
    /// Where it ends, in seconds.
    public var end: Double

    /// Creates a span.
    public init(start: Double, end: Double) {
        self.start = start
        self.end = max(start, end)
    }

    /// Its length in seconds.
    public var length: Double { end - start }
}

extension PCMAudio {
    /// The samples of `span`, clamped to the audio.
    func samples(in span: AudioSpan) -> ArraySlice<Int16> {
        let first = min(samples.count, max(0, Int((span.start * Double(sampleRate)).rounded(.down))))
        let last = min(samples.count, max(first, Int((span.end * Double(sampleRate)).rounded(.up))))
        return samples[first..<last]
    }
}
