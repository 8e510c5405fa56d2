import HL7v2

/// What the gateway decides about one received frame before it is journaled: the header it answers, the
/// outcome, the errors to report and what the journal row records. Pure: no I/O.
public struct IntakeDecision: Sendable {
    /// The header the acknowledgment answers (probed when the message did not parse).
    public var header: HL7ReceivedHeader
    /// Accept, error or reject.
    public var outcome: HL7AcknowledgmentCode.Outcome
    /// The errors reported in ERR (or MSA-3).
    public var errors: [HL7AcknowledgmentError]
    /// `ADT^A04`, when it could be read.
    public var messageType: String?
    /// Whether the message was refused for its recording (the `inspect` step of ``evaluate(_:limits:acceptedTypes:)``).
    var refusedRecording = false

    /// The acknowledgment code, in the mode the sender asked for.
    public var code: HL7AcknowledgmentCode {
        HL7AcknowledgmentCode(outcome, enhanced: header.isEnhancedMode)
    }

    /// Whether an acknowledgment is sent: always in original mode, per MSH-15 in enhanced mode.
    public var sendsAcknowledgment: Bool {
        guard header.isEnhancedMode else { return true }
        return HL7AcknowledgmentCondition(field: header.acceptAcknowledgmentType).shouldSend(code)
    }

    /// The most fields an MSH segment has in any version up to v2.8 (MSH-25).
    static let maximumHeaderFields = 25

    /// Decides about the bytes of one frame. `inspect`, when given, looks at a message that passed every other check
    /// (the recording of an ED observation, ``RecordingIntakeCheck``): the error it returns answers the message with
    /// an `AE`.
    public static func evaluate(
        _ bytes: [UInt8], limits: HL7ParserLimits, acceptedTypes: [MessageTypePattern]
    ) -> IntakeDecision {
        evaluate(bytes, limits: limits, acceptedTypes: acceptedTypes, inspect: nil)
    }

    static func evaluate(
        _ bytes: [UInt8], limits: HL7ParserLimits, acceptedTypes: [MessageTypePattern],
        inspect: ((HL7Message, HL7ReceivedHeader) -> HL7AcknowledgmentError?)?
    ) -> IntakeDecision {
        if HL7Batch.isBatch(bytes) {
            let header = HL7ReceivedHeader(probing: bytes) ?? .unknown
            return IntakeDecision(
                header: header, outcome: .reject,
                errors: [
                    HL7AcknowledgmentError(
                        code: .unsupportedMessageType, location: HL7Location(segmentIndex: 1),
                        diagnostic: "batches (FHS/BHS) are not accepted over MLLP: send one message per frame")
                ], messageType: nil)
        }
        let message: HL7Message
        do {
            message = try HL7Message(parsing: bytes, limits: limits)
        } catch {
            if error.code == .missingHeader || error.code == .emptyMessage {
                return IntakeDecision(
                    header: HL7ReceivedHeader(probing: bytes) ?? .unknown, outcome: .reject,
                    errors: [
                        HL7AcknowledgmentError(
                            code: .segmentSequenceError, location: HL7Location(segmentIndex: 1),
                            diagnostic: "the frame does not start with an MSH segment")
                    ], messageType: nil)
            }
            let probed = HL7ReceivedHeader(probing: bytes)
            let header = probed ?? .unknown
            let rejectsHeader = probed == nil || error.code == .invalidDelimiters || error.code == .messageTooLarge
            return IntakeDecision(
                header: header, outcome: rejectsHeader ? .reject : .error, errors: [HL7AcknowledgmentError(error)],
                messageType: messageType(header.messageCode, header.triggerEvent))
        }
        let header = HL7ReceivedHeader(message: message)
        let type = messageType(header.messageCode, header.triggerEvent)
        func reject(_ code: HL7ErrorCode, field: Int, _ diagnostic: String) -> IntakeDecision {
            IntakeDecision(
                header: header, outcome: .reject,
                errors: [
                    HL7AcknowledgmentError(
                        code: code, location: HL7Location(segmentIndex: 1, segmentName: "MSH", field: field),
                        diagnostic: diagnostic)
                ], messageType: type)
        }
        let mshFields = message.segments.first?.fieldCount ?? 0
        if mshFields > maximumHeaderFields {
            return IntakeDecision(
                header: header, outcome: .error,
                errors: [
                    HL7AcknowledgmentError(
                        code: .segmentSequenceError, location: HL7Location(segmentIndex: 1, segmentName: "MSH"),
                        diagnostic: "MSH has \(mshFields) fields (at most \(maximumHeaderFields)); segment terminators (CR) are probably missing")
                ], messageType: type)
        }
        if header.messageCode.isEmpty {
            return reject(.requiredFieldMissing, field: 9, "MSH-9 (message type) is required")
        }
        if header.controlID.isEmpty {
            return reject(.requiredFieldMissing, field: 10, "MSH-10 (message control ID) is required")
        }
        if header.version.isEmpty {
            return reject(.requiredFieldMissing, field: 12, "MSH-12 (version ID) is required")
        }
        if !HL7Version.isSupported(header.version) {
            let looksNumeric = header.version.count <= 8 && header.version.allSatisfy { $0.isNumber || $0 == "." }
            return reject(
                .unsupportedVersionID, field: 12,
                looksNumeric
                    ? "version \(header.version) is not supported; versions 2.1 to 2.8.2 are"
                    : "MSH-12 is not a version number (are segment terminators missing?); versions 2.1 to 2.8.2 are supported")
        }
        if !acceptedTypes.isEmpty,
            !acceptedTypes.contains(where: { $0.matches(code: header.messageCode, event: header.triggerEvent) })
        {
            return reject(
                .unsupportedMessageType, field: 9,
                "the configured route does not accept message type \(type ?? "")")
        }
        if let inspect, let error = inspect(message, header) {
            return IntakeDecision(
                header: header, outcome: .error, errors: [error], messageType: type, refusedRecording: true)
        }
        return IntakeDecision(header: header, outcome: .accept, errors: [], messageType: type)
    }

    private static func messageType(_ code: String, _ event: String) -> String? {
        guard !code.isEmpty else { return nil }
        let safeCode = String(code.prefix(3))
        return event.isEmpty ? safeCode : "\(safeCode)^\(event.prefix(3))"
    }
}
