import EncounterModel
import HL7v2
import Logging
import Mapping
import Transcription

extension EncounterPipeline {
    /// The transcript of the recording an ED observation carries, transcribed with the gateway's engine and limits
    /// (those of `/v1/note/audio`); a failure whose reason names the problem (never the words) and whose ERR-3 code
    /// is 102 (data type error) for a recording at fault, 207 when the engine is; `nil` when the pipeline stops
    /// while it waits (the entry stays accepted).
    func transcribe(
        _ recording: HL7EncapsulatedData, reader: HL7EncounterReader, metadata: Logger.Metadata
    ) async -> Result<Encounter.Transcript, PipelineFailure>? {
        guard let audio else {
            return .failure(
                PipelineFailure(
                    "the transcript is a recording (ED observation) and audio transcription is not configured",
                    errorCode: .applicationInternalError))
        }
        var metadata = metadata
        metadata["nb.audio.bytes"] = "\(recording.data.count)"
        let started = ContinuousClock.now
        let speech: SpeechTranscript
        do {
            let transcriber = audio.transcriber(logger: logger)
            let data = recording.data
            if let transcriptions {
                speech = try await transcriptions.withSlot { try await transcriber.transcribe(bytes: data) }
            } else {
                speech = try await transcriber.transcribe(bytes: data)
            }
        } catch let error as TranscriptionError {
            metadata["nb.audio.error"] = "\(error.code)"
            logger.notice("the recording of an HL7 message could not be transcribed", metadata: metadata)
            return .failure(Self.failure(of: error))
        } catch {
            // Cancellation (the pipeline stops) or a gate refusal: the entry stays accepted for the next pass.
            return nil
        }
        metadata["nb.audio.seconds"] = "\(Int(speech.duration.rounded()))"
        metadata["nb.audio.elapsed"] = "\(ContinuousClock.now - started)"
        logger.info("recording of an HL7 message transcribed", metadata: metadata)
        do {
            return .success(try reader.transcript(ofRecording: speech.text))
        } catch {
            return .failure(PipelineFailure(error.reason, errorCode: .dataTypeError))
        }
    }

    /// The journal reason and ERR-3 code of a transcription error: the recording's own problems (not audio, damaged,
    /// silent, over the limits, refused by the remote engine) are a data type error; the engine's are an internal
    /// error. The reasons name the problem, never the words.
    static func failure(of error: TranscriptionError) -> PipelineFailure {
        switch error.code {
        case .unsupportedContainer, .corruptAudio, .silentAudio, .tooLarge, .tooLong, .remoteRefusedAudio:
            return PipelineFailure("OBX-5 (ED) recording: \(error.reason)", errorCode: .dataTypeError)
        case .remoteUnreachable, .remoteTimedOut, .remoteHTTPStatus, .remoteMalformedAnswer:
            return PipelineFailure(
                "OBX-5 (ED) recording could not be transcribed: \(error.reason)", errorCode: .applicationInternalError)
        default:
            // The embedded engine's and the decoder's own failures stay opaque, as `/v1/note/audio` keeps them.
            return PipelineFailure(
                "OBX-5 (ED) recording could not be transcribed on this server (\(error.code))",
                errorCode: .applicationInternalError)
        }
    }
}
