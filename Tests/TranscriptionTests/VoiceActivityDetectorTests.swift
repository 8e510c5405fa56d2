import Foundation
import Testing

@testable import Transcription

@Suite("VoiceActivityDetector")
struct VoiceActivityDetectorTests {
    /// A 300 Hz tone of `amplitude` for `seconds`.
    static func tone(seconds: Double, amplitude: Double = 8000) -> [Int16] {
        (0..<Int(seconds * 16000)).map { Int16(amplitude * sin(2 * Double.pi * 300 * Double($0) / 16000)) }
    }

    static func silence(seconds: Double) -> [Int16] { [Int16](repeating: 0, count: Int(seconds * 16000)) }

    @Test("digital silence has no speech")
    func silence() {
        let audio = PCMAudio(samples: Self.silence(seconds: 3), sampleRate: 16000)
        #expect(VoiceActivityDetector().speechSegments(in: audio).isEmpty)
    }

    @Test("a very quiet hiss has no speech")
    func quiet() {
        var generator = SystemRandomNumberGenerator()
        let samples = (0..<48000).map { _ in Int16.random(in: -60...60, using: &generator) }
        #expect(VoiceActivityDetector().speechSegments(in: PCMAudio(samples: samples, sampleRate: 16000)).isEmpty)
    }

    @Test("bursts apart by a long pause are two segments, with their times")
    func twoSegments() {
        let samples = Self.silence(seconds: 1) + Self.tone(seconds: 2) + Self.silence(seconds: 2) + Self.tone(seconds: 1)
            + Self.silence(seconds: 1)
        let spans = VoiceActivityDetector().speechSegments(in: PCMAudio(samples: samples, sampleRate: 16000))
        #expect(spans.count == 2)
        guard spans.count == 2 else { return }
        #expect(abs(spans[0].start - 0.75) < 0.1)
        #expect(abs(spans[0].end - 3.25) < 0.1)
        #expect(abs(spans[1].start - 4.75) < 0.1)
        #expect(abs(spans[1].end - 6.25) < 0.1)
    }

    @Test("a short pause does not cut")
    func shortPause() {
        let samples = Self.tone(seconds: 1) + Self.silence(seconds: 0.2) + Self.tone(seconds: 1)
        #expect(VoiceActivityDetector().speechSegments(in: PCMAudio(samples: samples, sampleRate: 16000)).count == 1)
    }

    @Test("speech without pauses is cut into pieces no longer than the maximum")
    func longSpeech() {
        let samples = Self.tone(seconds: 70)
        let spans = VoiceActivityDetector().speechSegments(in: PCMAudio(samples: samples, sampleRate: 16000))
        #expect(spans.count >= 4)
        #expect(spans.allSatisfy { $0.length <= 20.6 })
        #expect(abs(spans.reduce(0) { $0 + $1.length } - 70) < 0.5)
    }
}
