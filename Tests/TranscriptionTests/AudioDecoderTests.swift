import Foundation
import TestSupport
import Testing

@testable import Transcription

/// Decoding real files made in the test by espeak-ng, sox and ffmpeg, each in a private folder; the decoder's
/// scratch folders go to a folder of the test's own, which must be empty afterwards.
@Suite("AudioDecoder: ffmpeg to 16 kHz mono PCM")
struct AudioDecoderTests {
    /// A decoder whose scratch folders go under `tools`' folder, in `scratch/`.
    static func decoder(_ tools: AudioTools, limits: TranscriptionLimits = .default) throws -> AudioDecoder {
        let scratch = tools.path("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        return AudioDecoder(limits: limits, temporaryDirectory: scratch)
    }

    static func leftovers(_ tools: AudioTools) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: tools.path("scratch"))) ?? ["(scratch folder missing)"]
    }

    @Test("each container decodes, recognised by content whatever the file is called", arguments: AudioContainer.allCases)
    func decodes(container: AudioContainer) async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let speech = try await tools.speech("the patient has a cough and a fever")
            let file = try await tools.convert(speech, to: container.rawValue)
            let bytes = try AudioTools.bytes(file)
            #expect(AudioContainer.recognize(bytes) == container)
            // A misleading name changes nothing.
            let misnamed = tools.path("recording.png")
            try FileManager.default.copyItem(atPath: file, toPath: misnamed)

            let decoder = try Self.decoder(tools)
            let fromBytes = try await decoder.decode(bytes: bytes)
            let fromFile = try await decoder.decode(file: misnamed)
            for audio in [fromBytes, fromFile] {
                #expect(audio.sampleRate == 16000)
                #expect(audio.seconds > 1.5 && audio.seconds < 6, "\(audio.seconds) s")
                #expect(audio.samples.contains { abs(Int($0)) > 2000 }, "the speech is audible after decoding")
            }
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    @Test("a PNG, text and random bytes are not audio")
    func unsupported() async throws {
        let tools = try AudioTools()
        defer { tools.remove() }
        let decoder = try Self.decoder(tools)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 500)
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4096).map { _ in UInt8.random(in: 0...0xFE, using: &generator) }
        for bytes in [png, Array("the patient has a cough".utf8), [0x00] + random] {
            await #expect(throws: TranscriptionError(.unsupportedContainer, reason: "")) {
                try await decoder.decode(bytes: bytes)
            }
        }
        await #expect(throws: TranscriptionError(.corruptAudio, reason: "")) {
            try await decoder.decode(bytes: [UInt8]())
        }
        #expect(Self.leftovers(tools).isEmpty)
    }

    @Test("a recognised container with damaged contents is corrupt audio", arguments: AudioContainer.allCases)
    func corrupt(container: AudioContainer) async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let speech = try await tools.speech("the patient has a cough")
            let good = try AudioTools.bytes(try await tools.convert(speech, to: container.rawValue))
            // The signature stays, everything after the first 16 bytes is garbage.
            var generator = SystemRandomNumberGenerator()
            let damaged = Array(good.prefix(16)) + (0..<good.count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // A WAV or MP3 whose frames are noise can decode "successfully" into noise; a header alone never does.
            let truncated = Array(good.prefix(16))
            let decoder = try Self.decoder(tools)
            await #expect(throws: TranscriptionError(.corruptAudio, reason: "")) {
                try await decoder.decode(bytes: truncated)
            }
            if container != .wav && container != .mp3 {
                await #expect(throws: TranscriptionError(.corruptAudio, reason: "")) {
                    try await decoder.decode(bytes: damaged)
                }
            }
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    @Test("over the size limit")
    func tooLarge() async throws {
        let tools = try AudioTools()
        defer { tools.remove() }
        let file = try await tools.speech("the patient has a cough")
        let bytes = try AudioTools.bytes(file)
        let decoder = try Self.decoder(tools, limits: TranscriptionLimits(maximumBytes: bytes.count - 1, maximumDuration: .seconds(60)))
        await #expect(throws: TranscriptionError(.tooLarge, reason: "")) { try await decoder.decode(bytes: bytes) }
        await #expect(throws: TranscriptionError(.tooLarge, reason: "")) { try await decoder.decode(file: file) }
        #expect(Self.leftovers(tools).isEmpty)
    }

    @Test("over the duration limit")
    func tooLong() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let file = try await tools.tone(seconds: 12)
            let decoder = try Self.decoder(
                tools, limits: TranscriptionLimits(maximumBytes: 100_000_000, maximumDuration: .seconds(10)))
            await #expect(throws: TranscriptionError(.tooLong, reason: "")) { try await decoder.decode(file: file) }
            let fits = try await Self.decoder(
                tools, limits: TranscriptionLimits(maximumBytes: 100_000_000, maximumDuration: .seconds(13))
            ).decode(file: file)
            #expect(abs(fits.seconds - 12) < 0.1)
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    @Test("a missing ffmpeg is named")
    func missingDecoder() async throws {
        let tools = try AudioTools()
        defer { tools.remove() }
        var decoder = try Self.decoder(tools)
        decoder.ffmpeg = tools.path("no-such-ffmpeg")
        let bytes = try AudioTools.bytes(try await tools.speech("a cough"))
        await #expect(throws: TranscriptionError(.decoderUnavailable, reason: "")) { try await decoder.decode(bytes: bytes) }
        #expect(Self.leftovers(tools).isEmpty)
    }

    @Test("cancelling a decode stops ffmpeg and removes the scratch folder")
    func cancelled() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            // An "ffmpeg" that records its pid and sleeps for a minute: only cancellation ends it early.
            let fake = tools.path("slow-ffmpeg")
            let pidFile = tools.path("ffmpeg.pid")
            try "#!/bin/sh\necho $$ > '\(pidFile)'\nexec sleep 60\n".write(toFile: fake, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
            var decoder = try Self.decoder(tools)
            decoder.ffmpeg = fake
            let bytes = try AudioTools.bytes(try await tools.speech("a cough"))
            let task = Task { try await decoder.decode(bytes: bytes) }
            let deadline = ContinuousClock.now + .seconds(120)
            while FileManager.default.contents(atPath: pidFile)?.isEmpty ?? true, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let pidText = String(decoding: FileManager.default.contents(atPath: pidFile) ?? Data(), as: UTF8.self)
            let pid = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)), "the fake ffmpeg started")
            #expect(!Self.leftovers(tools).isEmpty, "the decode is under way")
            task.cancel()
            let started = ContinuousClock.now
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(ContinuousClock.now - started < .seconds(40), "well before the minute the fake ffmpeg sleeps")
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "the ffmpeg process is gone")
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    @Test("the first decode under a folder removes the scratch folders that killed processes left there")
    func sweepsAbandoned() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let decoder = try Self.decoder(tools)
            // pid 4194305 is above Linux's largest pid_max (2^22): no process has it.
            let abandoned = tools.path("scratch/\(ScratchDirectory.namePrefix)4194305-x1y2z3")
            try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: false)
            _ = FileManager.default.createFile(atPath: abandoned + "/input", contents: Data([1, 2, 3]))
            _ = try await decoder.decode(bytes: try AudioTools.bytes(try await tools.speech("a cough")))
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    @Test("the scratch folder is 0700 and its files 0600; abandoned folders of dead processes are swept")
    func scratchPermissions() throws {
        let tools = try AudioTools()
        defer { tools.remove() }
        let scratch = try ScratchDirectory(parent: tools.folder)
        let file = try scratch.createFile(named: "input", contents: [1, 2, 3])
        let folderMode = try FileManager.default.attributesOfItem(atPath: scratch.path)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        #expect(fileMode == 0o600)
        // A folder named for a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
        let abandoned = tools.path("\(ScratchDirectory.namePrefix)4194305-abcdef")
        try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: false)
        #expect(ScratchDirectory.sweepAbandoned(in: tools.folder) == 1)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: scratch.path), "this process's folder stays")
        scratch.remove()
        #expect(!FileManager.default.fileExists(atPath: scratch.path))
    }
}
