import FHIR
import HTTPTypes
import Logging
import Transcription

/// Recordings sent with `/fhir` requests (`$soap-note`, Bundle intake): transcribed while the request waits, with the
/// gateway's engine and `audio.*` limits (those of `/v1/note/audio`), at most
/// ``AudioConfiguration/concurrentTranscriptions`` at once and ``AudioConfiguration/queuedTranscriptions`` waiting,
/// for at most ``AudioConfiguration/syncWait`` (none when it is zero). A recording that takes longer is refused with
/// a pointer to `Prefer: respond-async` (``FHIRRoutes/acceptAsync(_:visit:recording:key:format:)``) and `/v1/note/audio`.
extension FHIRRoutes {
    /// The body limit of the routes that may carry a recording: the API's limit, and the base64 text of the largest
    /// recording (`audio.maxBytes`) beside it.
    var recordingBodyLimit: Int {
        let audioBytes = v1.configuration.audio.limits.maximumBytes
        let (quotient, overflow) = (audioBytes / 3 + 1).multipliedReportingOverflow(by: 4)
        guard !overflow else { return Int.max }
        let (limit, sumOverflow) = v1.configuration.maximumBodyBytes.addingReportingOverflow(quotient)
        return sumOverflow ? Int.max : limit
    }

    /// The transcript of `recording`: checked as an upload is (empty, too large, not audio), then decoded and
    /// transcribed in one of the slots. Errors are OperationOutcomes with the `/v1` code as details; the log names
    /// sizes, durations and error codes, never a word.
    func transcript(of recording: FHIRRecording, operation: String) async throws(FHIRError) -> String {
        let audio = v1.configuration.audio
        let logger = v1.logger
        let transcriber = audio.transcriber(logger: logger)
        do throws(TranscriptionError) {
            try transcriber.decoder.check(bytes: recording.audio)
        } catch {
            throw FHIRError(recording: error, path: recording.path)
        }
        var metadata: Logger.Metadata = [
            "nb.fhir.operation": "\(operation)", "nb.audio.bytes": "\(recording.audio.count)",
        ]
        let bytes = recording.audio
        let gate = v1.synchronousTranscriptions
        let started = ContinuousClock.now
        let speech: SpeechTranscript?
        do {
            speech = try await Self.within(audio.syncWait) {
                try await gate.withSlot { try await transcriber.transcribe(bytes: bytes) }
            }
        } catch let error as TranscriptionError {
            metadata["nb.audio.error"] = "\(error.code)"
            logger.notice("the recording of a FHIR request could not be transcribed", metadata: metadata)
            throw FHIRError(recording: error, path: recording.path)
        } catch is TranscriptionGate.Busy {
            var busy = FHIRError(
                .serviceUnavailable, "throttled", "too many recordings are waiting to be transcribed; retry later",
                expression: recording.path, detailCode: "TRANSCRIPTION_BUSY")
            busy.headers = [(.retryAfter, "10")]
            throw busy
        } catch {
            // The request was cancelled (its connection closed, or the server stops).
            throw FHIRError(
                .serviceUnavailable, "transient", "the recording was not transcribed: the request ended first",
                expression: recording.path, detailCode: "TRANSCRIPTION_UNAVAILABLE")
        }
        metadata["nb.audio.elapsed"] = "\(ContinuousClock.now - started)"
        guard let speech else {
            logger.notice("the recording of a FHIR request took too long to transcribe", metadata: metadata)
            throw FHIRError(
                .unprocessableContent, "too-costly",
                "audio: the recording was not transcribed within audio.syncWaitSeconds"
                    + " (\(audio.syncWait.components.seconds) s);"
                    + " send the request again with the header Prefer: respond-async (202, then poll the"
                    + " Content-Location status URL), or send long recordings to POST /v1/note/audio",
                expression: recording.path + ".data", detailCode: "SYNC_WAIT_EXCEEDED")
        }
        metadata["nb.audio.seconds"] = "\(Int(speech.duration.rounded()))"
        logger.info("recording of a FHIR request transcribed", metadata: metadata)
        return speech.text
    }

    /// `body`'s result, or nil when it takes longer than `wait` (it is then cancelled); no limit when `wait` is zero.
    static func within<T: Sendable>(
        _ wait: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        guard wait > .zero else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: wait)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
