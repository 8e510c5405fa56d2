// HL7 v2.5.1 chapter 7 section 7.4.2 (OBX-2 value type ED, OBX-5 observation value) and chapter 2A section 2.A.24
// (ED): a visit recording carried in an MDM^T02 or ORU^R01 as Base64 audio.

import EncounterModel
import HL7v2

extension HL7EncounterReader {
    /// What a message gives: its encounter and, when its transcript is a recording, the recording to transcribe.
    public struct Reading: Sendable {
        /// The encounter; its transcript is empty (kind speech-to-text) while ``recording`` is not transcribed.
        public var encounter: Encounter
        /// The audio of the ED observation that stands for the transcript, decoded; `nil` when the transcript is
        /// text.
        public var recording: HL7EncapsulatedData?

        /// Creates a reading.
        public init(encounter: Encounter, recording: HL7EncapsulatedData?) {
            self.encounter = encounter
            self.recording = recording
        }
    }

    /// The transcript a message carries: text, or a recording.
    enum TranscriptContent {
        case text(Encounter.Transcript)
        case recording(HL7EncapsulatedData)
    }

    /// The recording of the message's ED observation (OBX-2 `ED`, OBX-5 `^AU^subtype^Base64^data`), decoded; `nil`
    /// when no ED observation has a value. More than one recording, a type of data other than audio, an encoding
    /// other than Base64, bad Base64 or more than `maximumBytes` decoded bytes are refused, naming the OBX.
    func recording(in message: HL7Message, maximumBytes: Int) throws(EncounterReadError) -> HL7EncapsulatedData? {
        var found: HL7EncapsulatedData?
        var ordinal = 0
        for segment in message.segments(named: "OBX") {
            ordinal += 1
            guard let obx = OBXSegment(segment), obx.valueType.uppercased() == "ED",
                let field = segment.field(5), !field.isEmpty
            else { continue }
            for repetition in field.repetitions where !repetition.encodedValue.isEmpty {
                guard found == nil else {
                    throw EncounterReadError(
                        .invalidRecording,
                        "OBX(\(ordinal))-5 is a second recording; one ED observation (one repetition) is transcribed")
                }
                do {
                    found = try HL7EncapsulatedData(repetition, types: ["AU"], maximumBytes: maximumBytes)
                } catch {
                    throw EncounterReadError(
                        error.code == .tooLarge ? .recordingTooLarge : .invalidRecording,
                        "OBX(\(ordinal))-5 (ED): \(error.reason)")
                }
            }
        }
        return found
    }

    /// The recording a message's transcript would be read from, as ``reading(from:journalID:maximumAudioBytes:)``
    /// finds it (the observations carry no text and the mapping reads ED observations), for the checks the MLLP
    /// intake makes before it acknowledges; `nil` when the transcript is not a recording. Throws only the recording's
    /// own errors (``EncounterReadError/Code/invalidRecording``, ``EncounterReadError/Code/recordingTooLarge``): any
    /// other problem of the message is left to the pipeline, as before.
    public func recordingForIntake(
        in message: HL7Message, maximumBytes: Int
    ) throws(EncounterReadError) -> HL7EncapsulatedData? {
        guard configuration.observationValueTypes.contains("ED") else { return nil }
        do {
            switch try transcript(of: message, maximumAudioBytes: maximumBytes) {
            case .recording(let recording): return recording
            case .text: return nil
            }
        } catch where error.code == .invalidRecording || error.code == .recordingTooLarge {
            throw error
        } catch {
            return nil
        }
    }

    /// The transcript of a recording, once transcribed: `text` with the limits a text transcript has (the minimum
    /// words, the maximum characters), or why it cannot be used. The reasons give counts, never the text.
    public func transcript(ofRecording text: String) throws(EncounterReadError) -> Encounter.Transcript {
        let start = text.firstIndex(where: { !$0.isWhitespace }) ?? text.endIndex
        let end = text.lastIndex(where: { !$0.isWhitespace }).map { text.index(after: $0) } ?? text.endIndex
        let trimmed = start < end ? String(text[start..<end]) : ""
        guard Self.characterCount(trimmed) <= configuration.maximumTranscriptCharacters else {
            throw EncounterReadError(
                .transcriptTooLong,
                "the recording's transcript is longer than \(configuration.maximumTranscriptCharacters) characters")
        }
        let words = Self.wordCount(trimmed)
        guard words >= configuration.minimumTranscriptWords else {
            throw EncounterReadError(
                .transcriptTooShort,
                "the recording's transcript has \(words) words; at least \(configuration.minimumTranscriptWords) are needed"
            )
        }
        return Encounter.Transcript(text: trimmed, source: .hl7Observation, kind: .speechToText)
    }
}
