import ArgumentParser
import Foundation
import Transcription

/// `notebridge transcribe`: prints what an audio recording says, segment by segment with times.
struct TranscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe an audio recording (MP3, M4A, WAV, OGG, WebM or FLAC).",
        discussion: """
            The container is recognised by content. Speech is cut at pauses and decoded with PocketSphinx on all \
            cores, or sent to an OpenAI-compatible service with --speech-engine remote (falling back to \
            PocketSphinx when the service fails, unless --no-fallback). Exit status 1 for audio that is corrupt, \
            unsupported, silent, too large or too long, or that the service refused; 2 for a file that cannot be \
            read, a missing ffmpeg or speech model, a bad option, or a service that failed with --no-fallback.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// `[mm:ss.s - mm:ss.s] text` per segment.
        case text
        /// The segments with their words and times, as JSON.
        case json
    }

    @Option(help: "text (a line per segment with its times) or json (segments and words with their times).")
    var format: Format = .text

    @OptionGroup var limits: AudioLimitOptions

    @Argument(help: "The audio file.")
    var file: String

    func run() async throws {
        try await reportingFailures {
            let transcript = try await limits.transcribe(file)
            switch format {
            case .text:
                for line in transcript.timestampedLines { Terminal.line(line) }
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                Terminal.write(Array(try encoder.encode(transcript)) + [0x0A])
            }
        }
    }
}
