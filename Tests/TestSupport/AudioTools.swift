import Foundation

/// Makes test audio with the command line tools the README's test command installs (ffmpeg, espeak-ng, sox), in a
/// private folder of its own. A missing tool is a test failure with a message saying how to install it, never a
/// skip.
public struct AudioTools {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The folder the audio is made in (0700), removed by ``remove()``.
    public let folder: String

    public init() throws {
        var template = Array((NSTemporaryDirectory() + "/nb-audio-test-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkdtemp($0) != nil } ?? false
        }
        guard made else { throw Failure(description: "could not make a temporary folder") }
        folder = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    public func path(_ name: String) -> String { folder + "/" + name }

    /// The full path of `tool`, or a failure naming the install command.
    public static func require(_ tool: String) throws -> String {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(
            description: "\(tool) is not installed; the transcription tests need it: run scripts/setup-debian.sh test")
    }

    /// Runs `tool` with `arguments` (no shell) at niceness 10, so that timing-sensitive tests running beside it go
    /// first, and fails unless it exits 0. It waits without blocking a thread (``Process/exitStatus()``).
    public static func run(_ tool: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try require("nice"))
        process.arguments = ["-n", "10", try require(tool)] + arguments
        process.standardOutput = FileHandle.nullDevice
        // Standard error goes to a file, read after the exit (a pipe could fill and stall the tool).
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("nb-audio-tool-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw Failure(description: "could not make a file for \(tool)'s messages")
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errors = try FileHandle(forWritingTo: errorFile)
        defer { try? errors.close() }
        process.standardError = errors
        let status = try await process.exitStatus()
        guard status == 0 else {
            let message = FileManager.default.contents(atPath: errorFile.path) ?? Data()
            throw Failure(
                description: "\(tool) \(arguments.joined(separator: " ")) exited \(status): "
                    + String(decoding: message.prefix(2000), as: UTF8.self))
        }
    }

    /// Speech synthesized by espeak-ng (22.05 kHz WAV). The default voice, US English with the `f2` variant at 120
    /// words a minute, is the one the stock PocketSphinx model hears best of those tried (measured on "the patient has
    /// a cough and a fever": plain `en-us` gave "the sun has a lot and don't either", `en-us+f2` "the patient has a
    /// golf and a fever").
    public func speech(
        _ text: String, name: String = "speech.wav", voice: String = "en-us+f2", speed: Int = 120
    ) async throws -> String {
        let output = path(name)
        try await Self.run("espeak-ng", ["-v", voice, "-s", String(speed), "-w", output, text])
        return output
    }

    /// Digital silence made by sox.
    public func silence(seconds: Int, name: String = "silence.wav") async throws -> String {
        let output = path(name)
        try await Self.run("sox", ["-n", "-r", "16000", "-c", "1", "-b", "16", output, "trim", "0", String(seconds)])
        return output
    }

    /// A tone made by ffmpeg, `seconds` long, as FLAC (small even when long).
    public func tone(seconds: Int, name: String = "tone.flac") async throws -> String {
        let output = path(name)
        try await Self.run(
            "ffmpeg",
            ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=\(seconds)",
             "-y", output])
        return output
    }

    /// `input` re-encoded by ffmpeg into `format`'s usual codec.
    public func convert(_ input: String, to format: String) async throws -> String {
        let codec: [String]
        switch format {
        case "mp3": codec = ["-c:a", "libmp3lame", "-b:a", "64k"]
        case "m4a": codec = ["-c:a", "aac", "-b:a", "64k"]
        case "wav": codec = ["-c:a", "pcm_s16le"]
        case "ogg": codec = ["-c:a", "libvorbis"]
        case "webm": codec = ["-c:a", "libopus", "-b:a", "48k"]
        case "flac": codec = ["-c:a", "flac"]
        default: throw Failure(description: "no codec for \(format)")
        }
        let output = path("converted.\(format)")
        try await Self.run("ffmpeg", ["-nostdin", "-loglevel", "error", "-i", input] + codec + ["-y", output])
        return output
    }

    /// `first`, `seconds` of silence, then `second`, as one 16 kHz WAV.
    public func joined(_ first: String, pause seconds: Double, _ second: String, name: String = "joined.wav") async throws -> String {
        let output = path(name)
        try await Self.run(
            "ffmpeg",
            ["-nostdin", "-loglevel", "error", "-i", first, "-i", second, "-filter_complex",
             "[0:a]aresample=16000,apad=pad_dur=\(seconds)[a];[1:a]aresample=16000[b];[a][b]concat=n=2:v=0:a=1",
             "-ac", "1", "-y", output])
        return output
    }

    public static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read \(path)")
        }
        return Array(data)
    }
}

/// One audio test at a time in the test process: synthesizing, encoding and recognising speech keep a core busy each,
/// and the suites run in parallel with timing-sensitive ones (MLLP idle timeouts) on a 2-core machine. Measured: with
/// the audio tests running side by side, MLLPListenerTests' idle-timeout test starved and failed; without them, and
/// with them taking turns, it passes.
public actor AudioTestLock {
    /// The process-wide lock.
    public static let shared = AudioTestLock()

    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

extension AudioTools {
    /// Runs `body` while no other audio test runs.
    public static func exclusively<T>(_ body: () async throws -> T) async throws -> T {
        await AudioTestLock.shared.acquire()
        do {
            let value = try await body()
            await AudioTestLock.shared.release()
            return value
        } catch {
            await AudioTestLock.shared.release()
            throw error
        }
    }
}
