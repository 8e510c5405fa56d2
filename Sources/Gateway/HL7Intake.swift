import Foundation
import HL7v2
import Logging
import MLLP
import NIOCore
import Store

/// Receives HL7 v2 frames from the MLLP listener: decides, journals, then acknowledges.
///
/// Every framed message is committed to the journal before its acknowledgment is returned; a duplicate
/// (same MSH-3/MSH-4 and MSH-10 within the window, same content but for MSH-7) gets the stored acknowledgment
/// again and is not journaled twice. A message that reuses the sender's MSH-10 for different content is
/// journaled as its own entry, flagged `reused-control-id`, and acknowledged and processed like any other. If the journal cannot commit, the sender gets an `AE`/`CE` with code 207 so that it
/// sends the message again. Logs name control IDs, types and sizes, never content.
public struct HL7Intake: MLLPMessageHandler {
    /// Where messages are committed.
    public let journal: any Journal
    /// Builds the acknowledgments.
    public let acknowledgments: HL7AcknowledgmentBuilder
    /// ER7 parser limits.
    public let limits: HL7ParserLimits
    /// The message types the route accepts (empty: all).
    public let acceptedTypes: [MessageTypePattern]
    /// The duplicate window.
    public let duplicateWindow: Duration
    /// The largest frame, to report in an oversize NAK.
    public let maximumFrameSize: Int
    private let controlIDs: AcknowledgmentControlIDs
    private let logger: Logger
    /// Called after an accepted message is committed (the pipeline's wake-up).
    private let onAccepted: @Sendable () -> Void
    /// Counts what became of each message (`notebridge_messages_received_total`), when given.
    private let metrics: GatewayMetrics?
    /// The configured routes, which name the route label of a message's count (the pipeline gives the message the
    /// same route later); empty: no route is configured.
    public let routes: [RouteConfiguration]
    /// The message types a route without its own takes (`pipeline.messageTypes`).
    public let defaultTypes: [MessageTypePattern]
    /// Checks the recording of an ED observation before the message is acknowledged (structure, Base64, size,
    /// audio by its first bytes); `nil` checks none (no pipeline, or no audio configuration).
    var recordings: RecordingIntakeCheck?
    /// Told of journal commits refused for want of room or of a writable database (what `/readyz` reports).
    var writeHealth: StorageWriteHealth?

    /// Creates the intake.
    public init(
        journal: any Journal, acknowledgments: HL7AcknowledgmentBuilder, limits: HL7ParserLimits,
        acceptedTypes: [MessageTypePattern], duplicateWindow: Duration, maximumFrameSize: Int,
        controlIDs: AcknowledgmentControlIDs = AcknowledgmentControlIDs(), logger: Logger,
        onAccepted: @escaping @Sendable () -> Void = {}, metrics: GatewayMetrics? = nil,
        routes: [RouteConfiguration] = [], defaultTypes: [MessageTypePattern] = []
    ) {
        self.journal = journal
        self.acknowledgments = acknowledgments
        self.limits = limits
        self.acceptedTypes = acceptedTypes
        self.duplicateWindow = duplicateWindow
        self.maximumFrameSize = maximumFrameSize
        self.controlIDs = controlIDs
        self.logger = logger
        self.onAccepted = onAccepted
        self.metrics = metrics
        self.routes = routes
        self.defaultTypes = defaultTypes
    }

    /// Handles one decoded frame.
    public func handle(_ frame: MLLPInboundFrame, connection: MLLPConnectionInfo) async -> MLLPReply {
        var logger = self.logger
        logger[metadataKey: "nb.mllp.connection"] = "\(connection.connectionID)"
        switch frame {
        case .message(let buffer):
            return await receive(Array(buffer.readableBytesView), source: "mllp://\(connection.remoteAddress)", logger: logger)
        case .oversize(let head):
            return rejectFrame(
                head, logger: logger, closeConnection: true,
                event: "MLLP frame exceeds the maximum size; rejecting and closing the connection",
                diagnostic: "the MLLP frame exceeds the maximum frame size of \(maximumFrameSize) bytes")
        case .invalidEndBlock(let buffer):
            return rejectFrame(
                buffer, logger: logger, closeConnection: false,
                event: "MLLP end block 0x1C not followed by 0x0D; rejecting the frame",
                diagnostic: "the MLLP end block 0x1C was not followed by 0x0D; the frame was not accepted, send it again")
        case .incomplete(let byteCount):
            logger.notice("MLLP connection closed inside a frame", metadata: ["nb.mllp.leftover_bytes": "\(byteCount)"])
            return .none
        }
    }

    /// Answers a frame that was not received whole or well framed with `AR`/`CR` (not journaled: the sender
    /// must send it again), naming the message when its MSH can be read.
    private func rejectFrame(
        _ bytes: ByteBuffer, logger: Logger, closeConnection: Bool, event: Logger.Message, diagnostic: String
    ) -> MLLPReply {
        let header = HL7ReceivedHeader(probing: Array(bytes.readableBytesView)) ?? .unknown
        logger.warning(
            event,
            metadata: [
                "nb.mllp.frame_bytes": "\(bytes.readableBytes)", "nb.mllp.max_frame_bytes": "\(maximumFrameSize)",
                "nb.hl7.control_id": "\(header.controlID)",
            ])
        let error = HL7AcknowledgmentError(
            code: .segmentSequenceError, location: HL7Location(segmentIndex: 1), diagnostic: diagnostic)
        let code = HL7AcknowledgmentCode(.reject, enhanced: header.isEnhancedMode)
        let ack = acknowledgments.acknowledgment(for: header, code: code, errors: [error], controlID: controlIDs.next())
        return MLLPReply(bytes: ack, closeConnection: closeConnection)
    }

    /// Decides, journals and acknowledges one message.
    public func receive(_ bytes: [UInt8], source: String, logger: Logger) async -> MLLPReply {
        let decision = IntakeDecision.evaluate(
            bytes, limits: limits, acceptedTypes: acceptedTypes, inspect: recordings.map { check in check.refusal })
        if decision.refusedRecording {
            metrics?.hl7Recording(.refused)
        }
        let header = decision.header
        let code = decision.code
        let ack = acknowledgments.acknowledgment(
            for: header, code: code, errors: decision.errors, controlID: controlIDs.next())
        let sends = decision.sendsAcknowledgment
        let route = RouteConfiguration.routeName(
            for: header, listener: "mllp", in: routes, defaultTypes: defaultTypes)
        var metadata: Logger.Metadata = [
            "nb.hl7.control_id": "\(header.controlID)",
            "nb.hl7.message_type": "\(decision.messageType ?? "")",
            "nb.hl7.ack_code": "\(code.rawValue)",
            "nb.hl7.bytes": "\(bytes.count)",
        ]
        let entry = NewJournalEntry(
            source: source, sender: header.senderKey,
            controlID: header.controlID.isEmpty ? nil : header.controlID,
            messageType: decision.messageType, version: header.version.isEmpty ? nil : String(header.version.prefix(16)),
            receivedAt: Date(), state: decision.outcome == .accept ? .accepted : .rejected, body: bytes,
            acknowledgment: ack, acknowledgmentCode: sends ? code.rawValue : "",
            comparableContent: HL7ResendComparison.comparableBytes(of: bytes))
        do {
            switch try await journal.record(entry, duplicateWindow: duplicateWindow) {
            case .recorded(let id):
                metadata["nb.journal.id"] = "\(id)"
                if let first = decision.errors.first {
                    metadata["nb.hl7.error_code"] = "\(first.code.value)"
                    logger.notice("HL7 message not accepted", metadata: metadata)
                } else {
                    logger.debug("HL7 message journaled", metadata: metadata)
                }
                if entry.state == .accepted { onAccepted() }
                metrics?.received(
                    source: "mllp", messageType: decision.messageType,
                    outcome: entry.state == .accepted ? .accepted : .rejected, route: route)
                return MLLPReply(bytes: sends ? ack : nil)
            case .reusedControlID(let id, let earlierID):
                metadata["nb.journal.id"] = "\(id)"
                metadata["nb.journal.reuses_id"] = "\(earlierID)"
                logger.warning(
                    "the sender reused a message control ID for a message whose content differs; journaled as its own entry (flag reused-control-id)",
                    metadata: metadata)
                if entry.state == .accepted { onAccepted() }
                metrics?.received(
                    source: "mllp", messageType: decision.messageType,
                    outcome: entry.state == .accepted ? .accepted : .rejected, route: route)
                return MLLPReply(bytes: sends ? ack : nil)
            case .duplicate(let original):
                metadata["nb.journal.id"] = "\(original.id)"
                logger.notice("duplicate HL7 message; the stored acknowledgment is sent again", metadata: metadata)
                metrics?.received(
                    source: "mllp", messageType: decision.messageType, outcome: .duplicate, route: route)
                // The original's acknowledgment again, if one was sent (MSH-15 NE/ER/SU may have suppressed it).
                let wasSent = !original.acknowledgmentCode.isEmpty && !original.acknowledgment.isEmpty
                return MLLPReply(bytes: wasSent ? original.acknowledgment : nil)
            }
        } catch {
            writeHealth?.failed(error)
            logger.error("journal commit failed; the message is not acknowledged as accepted", metadata: metadata)
            metrics?.received(
                source: "mllp", messageType: decision.messageType, outcome: .notStored, route: route)
            let failure = HL7AcknowledgmentError(
                code: .applicationInternalError, diagnostic: "the message could not be stored; send it again later")
            let nak = acknowledgments.acknowledgment(
                for: header, code: HL7AcknowledgmentCode(.error, enhanced: header.isEnhancedMode), errors: [failure],
                controlID: controlIDs.next())
            return MLLPReply(bytes: nak)
        }
    }
}
