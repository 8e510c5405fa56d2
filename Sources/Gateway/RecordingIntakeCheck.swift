// HL7 v2.5.1 chapter 2 section 2.9.2 (the accept acknowledgment) and chapter 7 section 7.4.2 (OBX-2 ED): what the
// MLLP intake can tell of a recording carried in an ED observation before it acknowledges the message.

import HL7v2
import Mapping
import Transcription

/// The checks the MLLP intake makes on the recording of an ED observation before it acknowledges the message: the
/// ED structure (type of data `AU`, Base64 encoding, one recording), strict Base64, the size limit
/// (`audio.maxBytes`) and an audio container recognised by its first bytes. A message that fails them is answered
/// with an `AE` (`CE` in enhanced mode) whose ERR names the problem with code 102 (data type error), and is
/// journaled as rejected; what only decoding can tell (corrupt or silent audio) is found by the pipeline later.
///
/// The recording is looked for as the pipeline reads the message: with the mapping of the route that takes it (or
/// the pipeline's mapping when no route is configured), only when that mapping reads ED observations and the
/// observations carry no text. A message no route takes is not checked here. Pure: no I/O.
struct RecordingIntakeCheck: Sendable {
    /// The reader of a message when no route is configured (`pipeline.mapping`).
    var reader: HL7EncounterReader
    /// The configured routes, each with its own mapping.
    var routes: [RouteConfiguration] = []
    /// The message types a route without its own takes.
    var defaultTypes: [MessageTypePattern] = []
    /// The largest recording, decoded (`audio.maxBytes`).
    var maximumBytes: Int

    /// The error to answer `message` with, or `nil` when it carries no recording or its recording passes.
    func refusal(of message: HL7Message, header: HL7ReceivedHeader) -> HL7AcknowledgmentError? {
        let reader: HL7EncounterReader
        if routes.isEmpty {
            reader = self.reader
        } else if let route = RouteConfiguration.route(
            for: header, listener: "mllp", in: routes, defaultTypes: defaultTypes)
        {
            reader = HL7EncounterReader(configuration: route.mapping)
        } else {
            return nil
        }
        let location = Self.location(of: message)
        let recording: HL7EncapsulatedData?
        do {
            recording = try reader.recordingForIntake(in: message, maximumBytes: maximumBytes)
        } catch {
            return HL7AcknowledgmentError(code: .dataTypeError, location: location, diagnostic: error.reason)
        }
        guard let recording else { return nil }
        guard !recording.data.isEmpty else {
            return HL7AcknowledgmentError(
                code: .dataTypeError, location: location, diagnostic: "OBX-5 (ED): the recording is empty (0 bytes)")
        }
        guard AudioContainer.recognize(recording.data) != nil else {
            return HL7AcknowledgmentError(
                code: .dataTypeError, location: location,
                diagnostic:
                    "OBX-5 (ED): the recording is not MP3, M4A, WAV, OGG, WebM or FLAC audio (judged by its first bytes)"
            )
        }
        return nil
    }

    /// Where the first ED observation's value is (`OBX-5` of its segment), for ERR-2.
    static func location(of message: HL7Message) -> HL7Location? {
        for (position, segment) in message.segments.enumerated() where segment.name == "OBX" {
            guard let observation = OBXSegment(segment), observation.valueType.uppercased() == "ED" else { continue }
            return HL7Location(segmentIndex: position + 1, segmentName: "OBX", field: 5)
        }
        return nil
    }
}
