import Foundation
import Logging
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Turns an audio file or upload into 16 kHz mono signed 16-bit PCM with ffmpeg, run as a subprocess without a
/// shell.
///
/// The container is recognised from the content (``AudioContainer``) and ffmpeg is told which demuxer to use, reads
/// only local files (`-protocol_whitelist file`), and stops after the duration limit. Uploaded bytes and the decoded
/// PCM live in a private folder (0700, files 0600) that is removed when the decode ends, whether it succeeds, fails
/// or is cancelled (cancellation also stops ffmpeg).
public struct AudioDecoder: Sendable {
    /// The sample rate of the decoded audio.
    public static let sampleRate = 16_000

    /// The ffmpeg executable: a path, or a name looked up in `PATH`.
    public var ffmpeg: String
    /// The size and duration limits.
    public var limits: TranscriptionLimits
    /// Where the private scratch folders are made; the system's temporary folder when nil.
    public var temporaryDirectory: String?
    /// Where decodes are logged (container, sizes, durations; never content).
    public var logger: Logger

    /// Creates a decoder.
    public init(
        ffmpeg: String = "ffmpeg", limits: TranscriptionLimits = .default, temporaryDirectory: String? = nil,
        logger: Logger = Logger(label: "nb.transcription")
    ) {
        self.ffmpeg = ffmpeg
        self.limits = limits
        self.temporaryDirectory = temporaryDirectory
        self.logger = logger
    }

    /// Checks what can be told of an upload without decoding it: that it is not empty, within the size limit, and of
    /// a recognised container; throws the ``TranscriptionError`` ``decode(bytes:)`` would throw for it. An upload
    /// accepted for later transcription is checked with this first, so that these errors are answered at once.
    public func check(bytes: some Collection<UInt8>) throws(TranscriptionError) {
        try checkSize(bytes.count)
        _ = try Self.container(of: bytes)
    }

    /// Decodes audio held in memory (an upload).
    public func decode(bytes: some Collection<UInt8> & Sendable) async throws -> PCMAudio {
        let byteCount = bytes.count
        try checkSize(byteCount)
        let container = try Self.container(of: bytes)
        let scratch = try ScratchDirectory(parent: temporaryDirectory)
        defer { scratch.remove() }
        let input = try scratch.createFile(named: "input", contents: bytes)
        return try await run(input: input, container: container, byteCount: byteCount, scratch: scratch)
    }

    /// Decodes an audio file on disk (the command line). The file is read in place, never copied.
    public func decode(file path: String) async throws -> PCMAudio {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let handle = FileHandle(forReadingAtPath: absolute) else {
            throw TranscriptionError(.corruptAudio, reason: "the audio file cannot be read")
        }
        defer { try? handle.close() }
        let byteCount: Int
        var recognized: AudioContainer?
        do {
            byteCount = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let head = Array(try handle.read(upToCount: 4096) ?? Data())
            recognized = AudioContainer.recognize(head)
            if let tagLength = AudioContainer.id3TagLength(head), tagLength >= head.count, tagLength < byteCount {
                try handle.seek(toOffset: UInt64(tagLength))
                let after = Array(try handle.read(upToCount: AudioContainer.signatureLength) ?? Data())
                recognized = AudioContainer.recognize(afterID3Tag: after)
            }
        } catch {
            throw TranscriptionError(.corruptAudio, reason: "the audio file cannot be read")
        }
        try checkSize(byteCount)
        guard let container = recognized else { throw Self.unsupported }
        let scratch = try ScratchDirectory(parent: temporaryDirectory)
        defer { scratch.remove() }
        return try await run(input: absolute, container: container, byteCount: byteCount, scratch: scratch)
    }

    private func checkSize(_ byteCount: Int) throws(TranscriptionError) {
        guard byteCount > 0 else {
            throw TranscriptionError(.corruptAudio, reason: "the audio is empty (0 bytes)")
        }
        guard byteCount <= limits.maximumBytes else {
            throw TranscriptionError(
                .tooLarge, reason: "the audio is \(byteCount) bytes, over the limit of \(limits.maximumBytes) bytes")
        }
    }

    private static var unsupported: TranscriptionError {
        TranscriptionError(
            .unsupportedContainer,
            reason: "the content is not MP3, M4A, WAV, OGG, WebM or FLAC audio (judged by its first bytes)")
    }

    private static func container(of bytes: some Collection<UInt8>) throws(TranscriptionError) -> AudioContainer {
        guard let container = AudioContainer.recognize(bytes) else { throw unsupported }
        return container
    }

    private func run(
        input: String, container: AudioContainer, byteCount: Int, scratch: ScratchDirectory
    ) async throws -> PCMAudio {
        let output = try scratch.createFile(named: "pcm", contents: [UInt8]())
        let maximumSeconds = limits.maximumSeconds
        let arguments: [String] = [
            "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error",
            "-protocol_whitelist", "file",
            "-f", container.ffmpegDemuxer, "-i", "file:" + input,
            "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-t", String(maximumSeconds + 1),
            "-ac", "1", "-ar", String(Self.sampleRate), "-c:a", "pcm_s16le", "-f", "s16le",
            "-y", "file:" + output,
        ]
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .milliseconds(200))]
        let executable: Executable = ffmpeg.contains("/") ? .path(FilePath(ffmpeg)) : .name(ffmpeg)
        let started = ContinuousClock.now
        let status: TerminationStatus
        do {
            // ffmpeg's messages are discarded: they can quote the file's metadata (titles, comments).
            status = try await Subprocess.run(
                executable, arguments: Arguments(arguments), platformOptions: options,
                output: .discarded, error: .discarded
            ).terminationStatus
        } catch let error as SubprocessError where error.code == .executableNotFound || error.code == .spawnFailed {
            throw TranscriptionError(.decoderUnavailable, reason: "ffmpeg could not be started (is it installed?)")
        }
        try Task.checkCancellation()
        guard case .exited(0) = status else {
            logger.info(
                "audio decode failed",
                metadata: ["nb.audio.container": "\(container.rawValue)", "nb.audio.bytes": "\(byteCount)"])
            throw TranscriptionError(.corruptAudio, reason: "the \(container.rawValue) audio could not be decoded")
        }
        guard let data = FileManager.default.contents(atPath: output), data.count >= 2 else {
            throw TranscriptionError(
                .corruptAudio, reason: "the \(container.rawValue) audio holds no decodable audio stream")
        }
        let samples = data.withUnsafeBytes { raw -> [Int16] in
            let count = raw.count / 2
            return [Int16](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    let low = UInt16(raw[2 * index])
                    let high = UInt16(raw[2 * index + 1])
                    buffer[index] = Int16(bitPattern: low | high << 8)
                }
                initialized = count
            }
        }
        let audio = PCMAudio(samples: samples, sampleRate: Self.sampleRate)
        guard audio.seconds <= Double(maximumSeconds) else {
            throw TranscriptionError(
                .tooLong, reason: "the audio is longer than the limit of \(maximumSeconds) seconds")
        }
        let elapsed = ContinuousClock.now - started
        logger.debug(
            "audio decoded",
            metadata: [
                "nb.audio.container": "\(container.rawValue)", "nb.audio.bytes": "\(byteCount)",
                "nb.audio.seconds": "\(Int(audio.seconds.rounded()))", "nb.audio.decode_ms": "\(elapsed.milliseconds)",
            ])
        return audio
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
