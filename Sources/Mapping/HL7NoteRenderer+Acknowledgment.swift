// HL7 v2.5.1 enhanced acknowledgment mode (chapter 2, section 2.9.3): after processing, the receiving application
// sends an application acknowledgment (ACK, MSA-1 AA or AE, MSA-2 the MSH-10 it answers, ERR for an error) to the
// sender. It is itself a message: MSH-15 AL asks the sender's listener for a commit acknowledgment of it, MSH-16 NE
// for nothing more.

import EncounterModel
import Foundation
import HL7v2

extension HL7NoteRenderer {
    /// The application acknowledgment `record` stands for, with MSH-10 `controlID` and MSH-7 `date`: MSH-3/4 this
    /// destination's sending application and facility, MSH-5/6 the sender of the message answered, MSH-12 that
    /// message's version (the destination's when unknown); MSA-3 the note's id with `AA`; an ERR with the table 0357
    /// code and the reason with `AE`.
    public func applicationAcknowledgment(_ record: ApplicationAcknowledgmentRecord, controlID: String, at date: Date)
        throws(HL7ParseError) -> [UInt8]
    {
        let builder = HL7AcknowledgmentBuilder(
            applicationName: configuration.sendingApplication, facilityName: configuration.sendingFacility)
        let header = HL7ReceivedHeader(
            delimiters: .standard, sendingApplication: record.sendingApplication,
            sendingFacility: record.sendingFacility, receivingApplication: "", receivingFacility: "",
            messageCode: record.messageCode, triggerEvent: record.triggerEvent, controlID: record.acknowledgedControlID,
            processingID: record.processingID.isEmpty ? configuration.processingID : record.processingID,
            version: record.hl7Version.isEmpty ? configuration.version : record.hl7Version,
            acceptAcknowledgmentType: "AL", applicationAcknowledgmentType: "NE", characterSet: "")
        let accepted = record.code == HL7AcknowledgmentCode.applicationAccept.rawValue
        var errors: [HL7AcknowledgmentError] = []
        if !accepted {
            let code = record.errorCode ?? HL7ErrorCode.applicationInternalError.value
            errors.append(
                HL7AcknowledgmentError(
                    code: Self.errorCode(code),
                    diagnostic: record.errorReason ?? "the message could not be processed"))
        }
        let bytes = builder.acknowledgment(
            for: header, code: accepted ? .applicationAccept : .applicationError, errors: errors, controlID: controlID,
            date: date)
        var message = HL7MessageBuilder(message: try HL7Message(parsing: bytes))
        try message.set("AL", at: "MSH-15")
        try message.set("NE", at: "MSH-16")
        if accepted, let noteID = record.noteID {
            try message.set(noteID, at: "MSA-3")
        }
        return try message.build().bytes
    }

    /// The table 0357 entry of a code number (207 when it is not one NoteBridge sends).
    static func errorCode(_ value: Int) -> HL7ErrorCode {
        let known: [HL7ErrorCode] = [
            .segmentSequenceError, .requiredFieldMissing, .dataTypeError, .tableValueNotFound, .unsupportedMessageType,
            .unsupportedEventCode, .unsupportedVersionID, .applicationInternalError,
        ]
        return known.first { $0.value == value } ?? .applicationInternalError
    }
}
