/// Finds the stretches of speech in a recording by frame energy, so that long recordings are cut at pauses and the
/// pieces decoded in parallel, and so that a recording with no speech at all is refused.
///
/// The audio is read in 30 ms frames. A frame is speech when its RMS level is above both an absolute floor
/// (``minimumLevel``, about -46 dBFS) and a multiple of the recording's own noise level (the 20th percentile of the
/// frame levels), capped at half the level of the loudest tenth of the frames. Speech frames separated by less than ``minimumPause`` belong to one segment; a segment longer than
/// ``maximumSegment`` is cut at its quietest frame in the last third of the allowed length. Each segment is padded
/// with ``padding`` on both sides (never past the middle of the pause to the next one).
public struct VoiceActivityDetector: Sendable, Hashable {
    /// The frame length in seconds.
    public var frameSeconds = 0.03
    /// The RMS level (of a 16-bit sample scale) below which a frame is never speech.
    public var minimumLevel = 160.0
    /// How far above the recording's noise level a frame must be to count as speech.
    public var noiseFactor = 3.0
    /// The shortest pause, in seconds, that separates two segments.
    public var minimumPause = 0.45
    /// The longest segment, in seconds.
    public var maximumSegment = 20.0
    /// The shortest stretch of speech frames, in seconds, that makes a segment (shorter ones are clicks).
    public var minimumSpeech = 0.09
    /// Silence kept on each side of a segment, in seconds.
    public var padding = 0.25

    /// Creates a detector with the default settings.
    public init() {}

    /// The segments of speech in `audio`, in time order; empty when it holds none.
    public func speechSegments(in audio: PCMAudio) -> [AudioSpan] {
        let frameLength = max(1, Int(frameSeconds * Double(audio.sampleRate)))
        let frameCount = audio.samples.count / frameLength
        guard frameCount > 0 else { return [] }
        var levels = [Double](repeating: 0, count: frameCount)
        audio.samples.withUnsafeBufferPointer { samples in
            for frame in 0..<frameCount {
                var sum = 0.0
                for sample in samples[(frame * frameLength)..<((frame + 1) * frameLength)] {
                    let value = Double(sample)
                    sum += value * value
                }
                levels[frame] = (sum / Double(frameLength)).squareRoot()
            }
        }
        let sorted = levels.sorted()
        let noise = sorted[frameCount / 5]
        let loud = sorted[frameCount * 9 / 10]
        // Above the noise, but never above half the loud level: a recording that is speech almost throughout has a
        // "noise" percentile that is speech itself.
        let threshold = max(minimumLevel, min(noise * noiseFactor, loud / 2))
        let pauseFrames = max(1, Int((minimumPause / frameSeconds).rounded()))
        let minimumFrames = max(1, Int((minimumSpeech / frameSeconds).rounded()))
        let maximumFrames = max(2, Int(maximumSegment / frameSeconds))

        // Runs of speech frames, joined across pauses shorter than `minimumPause`.
        var runs: [(first: Int, last: Int, speech: Int)] = []
        var frame = 0
        while frame < frameCount {
            guard levels[frame] >= threshold else {
                frame += 1
                continue
            }
            let first = frame
            var last = frame
            var speech = 0
            var quiet = 0
            while frame < frameCount && quiet < pauseFrames {
                if levels[frame] >= threshold {
                    last = frame
                    speech += 1
                    quiet = 0
                } else {
                    quiet += 1
                }
                frame += 1
            }
            if speech >= minimumFrames { runs.append((first, last, speech)) }
        }

        // Long runs are cut at their quietest frame.
        var pieces: [(first: Int, last: Int)] = []
        for run in runs {
            var start = run.first
            while run.last - start + 1 > maximumFrames {
                let window = (start + maximumFrames * 2 / 3)..<(start + maximumFrames)
                let cut = window.min { levels[$0] < levels[$1] } ?? (start + maximumFrames - 1)
                pieces.append((start, cut))
                start = cut + 1
            }
            pieces.append((start, run.last))
        }

        // Frames to seconds, padded but not past the middle of the neighbouring pause.
        let total = audio.seconds
        var spans: [AudioSpan] = []
        for (index, piece) in pieces.enumerated() {
            var start = Double(piece.first * frameLength) / Double(audio.sampleRate)
            var end = Double((piece.last + 1) * frameLength) / Double(audio.sampleRate)
            let lowerBound =
                index > 0 ? (Double((pieces[index - 1].last + 1) * frameLength) / Double(audio.sampleRate) + start) / 2 : 0
            let upperBound =
                index + 1 < pieces.count
                ? (end + Double(pieces[index + 1].first * frameLength) / Double(audio.sampleRate)) / 2 : total
            start = max(lowerBound, start - padding)
            end = min(upperBound, end + padding)
            spans.append(AudioSpan(start: start, end: end))
        }
        return spans
    }
}
