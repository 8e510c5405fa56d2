import Delivery
import EncounterModel
import HL7v2
import Logging
import Mapping
import Store
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
            metrics?.hl7Recording(.failed)
            return .failure(Self.failure(of: error))
        } catch {
            // Cancellation (the pipeline stops) or a gate refusal: the entry stays accepted for the next pass.
            return nil
        }
        metadata["nb.audio.seconds"] = "\(Int(speech.duration.rounded()))"
        metadata["nb.audio.elapsed"] = "\(ContinuousClock.now - started)"
        logger.info("recording of an HL7 message transcribed", metadata: metadata)
        do {
            let transcript = try reader.transcript(ofRecording: speech.text)
            metrics?.hl7Recording(.transcribed)
            return .success(transcript)
        } catch {
            metrics?.hl7Recording(.failed)
            return .failure(PipelineFailure(error.reason, errorCode: .dataTypeError))
        }
    }

    /// The transcript of an ED recording transcribed by its audio job (``PipelineRecordingJobs``), checked as a text
    /// transcript is (minimum words, maximum characters); the job's failure; or `nil` while the job runs (it is
    /// queued on the first call) or when the store cannot say now (the entry waits for a later pass either way).
    func transcript(
        of recording: HL7EncapsulatedData, entry: JournalEntry, jobs: PipelineRecordingJobs,
        reader: HL7EncounterReader, metadata: Logger.Metadata
    ) async -> Result<Encounter.Transcript, PipelineFailure>? {
        var metadata = metadata
        metadata["nb.audio_job.id"] = "\(PipelineRecordingJobs.jobID(of: entry))"
        let state: PipelineRecordingJobs.State
        do {
            state = try await jobs.state(of: entry, recording: recording)
        } catch {
            metadata["nb.error"] = "\(OutboxWorker.describe(error))"
            logger.error("the audio job of an HL7 recording could not be read; tried again later", metadata: metadata)
            return nil
        }
        switch state {
        case .waiting:
            return nil
        case .failed(let failure):
            metrics?.hl7Recording(.failed)
            return .failure(failure)
        case .transcribed(let text):
            do {
                let transcript = try reader.transcript(ofRecording: text)
                metrics?.hl7Recording(.transcribed)
                return .success(transcript)
            } catch {
                metrics?.hl7Recording(.failed)
                return .failure(PipelineFailure(error.reason, errorCode: .dataTypeError))
            }
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
