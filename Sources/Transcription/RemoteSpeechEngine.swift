import Curl
import Foundation
import Logging

/// A speech engine behind an OpenAI-compatible `POST /v1/audio/transcriptions` (whisper.cpp's server,
/// faster-whisper-server, a hosted API), reached through libcurl (``CurlClient``).
///
/// The speech of the recording is sent as 16 kHz mono WAV, in pieces of at most
/// ``Configuration/maximumChunkSeconds`` cut at pauses (services limit the upload: a hosted one takes 25 MB, about
/// 13 minutes of such audio), each piece from the start of its first speech span to the end of its last; the
/// answers' segment times are moved to their place in the recording. The request carries its own bearer key, and
/// the connect and total timeouts, TLS settings and answer size limit of the configuration; the answer is read
/// strictly (``RemoteTranscriptionAnswer``).
///
/// Failures are ``TranscriptionError``s whose reasons name what happened (`the remote speech engine answered HTTP
/// 503`, `timed out`, `answer is not valid JSON`), never the key, the audio or any transcript text; a cancelled
/// task stops the transfer and throws `CancellationError`. ``FallbackSpeechEngine`` decides which of them another
/// engine may retry.
public struct RemoteSpeechEngine: SpeechEngine, CustomStringConvertible {
    /// The service and how to reach it.
    public var configuration: Configuration
    /// Where requests and failures are logged (status, sizes, durations; never the key or any text).
    public var logger: Logger
    private let client: CurlClient

    /// `remote`.
    public var name: String { "remote" }

    /// The engine's settings, without the key.
    public var description: String { "RemoteSpeechEngine(\(configuration))" }

    /// Creates the engine; `client` performs the requests (shared by copies of the engine).
    public init(
        configuration: Configuration, client: CurlClient = CurlClient(maximumConcurrentTransfers: 4),
        logger: Logger = Logger(label: "nb.transcription")
    ) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// Transcribes the speech of `audio` piece by piece; `progress` is called after each piece.
    public func transcribe(
        _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (_ secondsDone: Double) -> Void)?
    ) async throws -> SpeechTranscript {
        var segments: [SpeechTranscript.Segment] = []
        var secondsDone = 0.0
        for chunk in Self.chunks(of: speech, maximumSeconds: Double(configuration.maximumChunkSeconds)) {
            try Task.checkCancellation()
            let samples = audio.samples(in: chunk.span)
            let offset = Double(samples.startIndex) / Double(audio.sampleRate)
            let length = Double(samples.count) / Double(audio.sampleRate)
            let answer = try await send(samples, sampleRate: audio.sampleRate)
            segments += answer.transcriptSegments(offset: offset, length: length)
            secondsDone += chunk.speechSeconds
            progress?(secondsDone)
        }
        return SpeechTranscript(segments: segments, duration: audio.seconds)
    }

    /// One upload: a stretch of the recording and the seconds of speech in it.
    struct Chunk: Sendable, Hashable {
        /// From the start of its first speech span to the end of its last.
        var span: AudioSpan
        /// The speech it holds, in seconds (what progress counts).
        var speechSeconds: Double
    }

    /// `speech` grouped, in order, into pieces no longer than `maximumSeconds` (a single span longer than that is a
    /// piece of its own).
    static func chunks(of speech: [AudioSpan], maximumSeconds: Double) -> [Chunk] {
        var chunks: [Chunk] = []
        for span in speech {
            if var last = chunks.last, span.end - last.span.start <= maximumSeconds {
                last.span = AudioSpan(start: last.span.start, end: max(last.span.end, span.end))
                last.speechSeconds += span.length
                chunks[chunks.count - 1] = last
            } else {
                chunks.append(Chunk(span: span, speechSeconds: span.length))
            }
        }
        return chunks
    }

    /// The request of one piece of audio.
    func request(for samples: ArraySlice<Int16>, sampleRate: Int) -> CurlRequest {
        let form = RemoteTranscriptionForm(
            wav: WAVEncoding.encode(samples, sampleRate: sampleRate), model: configuration.model,
            language: configuration.language)
        var headers = [
            HTTPHeader(name: "Content-Type", value: form.contentType),
            HTTPHeader(name: "Accept", value: "application/json"),
        ]
        if let key = configuration.key {
            headers.append(HTTPHeader(name: "Authorization", value: "Bearer " + key))
        }
        return CurlRequest(
            method: "POST", url: configuration.endpoint, headers: headers, body: form.body,
            connectTimeout: configuration.connectTimeout, timeout: configuration.timeout, tls: configuration.tls,
            maximumResponseBytes: configuration.maximumResponseBytes)
    }

    private func send(_ samples: ArraySlice<Int16>, sampleRate: Int) async throws -> RemoteTranscriptionAnswer {
        let request = request(for: samples, sampleRate: sampleRate)
        let started = ContinuousClock.now
        let response: CurlResponse
        do {
            response = try await client.perform(request)
        } catch let error as CurlError {
            if error.code == .cancelled { throw CancellationError() }
            let failure = Self.failure(error, timeout: configuration.timeout)
            logger.warning(
                "remote speech engine failed",
                metadata: [
                    "nb.transcription.engine": "\(name)", "nb.transcription.error": "\(failure.code)",
                    "nb.curl.error": "\(error.code)", "nb.curl.code": "\(error.curlCode.map(String.init) ?? "-")",
                ])
            throw failure
        }
        let elapsed = ContinuousClock.now - started
        let metadata: Logger.Metadata = [
            "nb.transcription.engine": "\(name)", "nb.http.status": "\(response.status)",
            "nb.transcription.upload_bytes": "\(request.body.count)",
            "nb.transcription.answer_bytes": "\(response.body.count)",
            "nb.transcription.remote_ms": "\(elapsed.milliseconds)",
        ]
        guard response.isSuccess else {
            logger.warning("remote speech engine answered an error status", metadata: metadata)
            throw Self.failure(status: response.status)
        }
        do {
            let answer = try RemoteTranscriptionAnswer(
                parsing: response.body, maximumBytes: configuration.maximumResponseBytes)
            logger.debug("remote speech engine answered", metadata: metadata)
            return answer
        } catch {
            var failed = metadata
            failed["nb.transcription.error"] = "\(error.code)"
            logger.warning("remote speech engine's answer refused", metadata: failed)
            throw error
        }
    }

    /// The statuses that are the service's judgement of the recording itself: another engine is not tried.
    static let audioRefusalStatuses: Set<Int> = [400, 413, 415, 422]

    /// The error of an answer with a status other than 2xx.
    static func failure(status: Int) -> TranscriptionError {
        var error =
            audioRefusalStatuses.contains(status)
            ? TranscriptionError(
                .remoteRefusedAudio, reason: "the remote speech engine refused the recording (HTTP \(status))")
            : TranscriptionError(.remoteHTTPStatus, reason: "the remote speech engine answered HTTP \(status)")
        error.httpStatus = status
        return error
    }

    /// The error of a transfer that failed before an answer arrived.
    static func failure(_ error: CurlError, timeout: Duration) -> TranscriptionError {
        switch error.code {
        case .timeout:
            return TranscriptionError(
                .remoteTimedOut,
                reason: "the remote speech engine timed out (no complete answer within \(timeout.components.seconds) s)"
            )
        case .couldNotConnect:
            return TranscriptionError(
                .remoteUnreachable, reason: "the remote speech engine could not be reached (connection refused)")
        case .couldNotResolve:
            return TranscriptionError(
                .remoteUnreachable, reason: "the remote speech engine could not be reached (its host name is unknown)")
        case .tls:
            return TranscriptionError(
                .remoteUnreachable, reason: "the TLS handshake with the remote speech engine failed")
        case .tooLarge:
            return TranscriptionError(
                .remoteMalformedAnswer, reason: "the remote speech engine's answer is over the size limit")
        case .invalidRequest:
            return TranscriptionError(
                .remoteUnreachable, reason: "the request to the remote speech engine could not be made (its settings)")
        default:
            let code = error.curlCode.map { " (curl \($0))" } ?? ""
            return TranscriptionError(
                .remoteUnreachable, reason: "the connection to the remote speech engine failed\(code)")
        }
    }
}
