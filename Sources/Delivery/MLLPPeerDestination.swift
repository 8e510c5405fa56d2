import EncounterModel
import Foundation
import HL7v2
import Logging
import MLLP
import Mapping
import Store

/// An EHR's MLLP listener: the note as ORU^R01 (and MDM^T02, DFT^P03 when configured), sent one after the other
/// over one connection with NoteBridge's MLLP client, each acknowledgment read before the next message.
///
/// All AA or CA → delivered; AR or CR, no connection, or no acknowledgment within ``Configuration/acknowledgmentTimeout``
/// → retried; AE or CE → dead letter, with the error code and its table text from ERR-3 (free text from the
/// receiver is not kept: it could quote the message). Every try sends the row's control id as MSH-10 and the same
/// bytes, so that a receiver can drop duplicates.
public struct MLLPPeerDestination: Destination {
    /// The peer and how to talk to it.
    public struct Configuration: Sendable, Hashable {
        /// The peer's address and TLS settings.
        public var client: MLLPClient.Configuration
        /// How long to wait for the acknowledgment.
        public var acknowledgmentTimeout: Duration
        /// How the messages are written for this receiver.
        public var renderer: HL7NoteRenderer.Configuration
        /// The messages sent for each note, in order (DFT^P03 only when the note has procedure codes).
        public var messages: [HL7NoteRenderer.MessageKind]

        /// Creates a configuration.
        public init(
            client: MLLPClient.Configuration, acknowledgmentTimeout: Duration = .seconds(30),
            renderer: HL7NoteRenderer.Configuration = HL7NoteRenderer.Configuration(),
            messages: [HL7NoteRenderer.MessageKind] = [.observationResult]
        ) {
            self.client = client
            self.acknowledgmentTimeout = acknowledgmentTimeout
            self.renderer = renderer
            self.messages = messages
        }
    }

    /// The configured name.
    public let name: String
    /// The configuration in force.
    public let configuration: Configuration
    private let client: MLLPClient
    private let renderer: HL7NoteRenderer

    /// Creates the destination.
    public init(name: String, configuration: Configuration, logger: Logger) {
        self.name = name
        self.configuration = configuration
        self.client = MLLPClient(configuration: configuration.client, logger: logger)
        self.renderer = HL7NoteRenderer(configuration: configuration.renderer)
    }

    /// Renders and sends the note, and reads the answer: the one-row case of ``deliver(_:reporting:)``.
    public func deliver(_ note: NoteRecord, item: OutboxItem) async -> DeliveryOutcome {
        await single(.note(note, item: item))
    }

    /// Renders and sends an enhanced-mode application acknowledgment, and reads the commit acknowledgment of it.
    public func deliver(_ acknowledgment: ApplicationAcknowledgmentRecord, item: OutboxItem) async -> DeliveryOutcome {
        await single(.acknowledgment(acknowledgment, item: item))
    }

    /// The outcome of sending one payload.
    private func single(_ payload: DeliveryPayload) async -> DeliveryOutcome {
        var outcome = DeliveryOutcome.interrupted
        await deliver([payload]) { _, reported in outcome = reported }
        return outcome
    }

    /// Sends the payloads over one connection, one after the other, each message's acknowledgment read before the
    /// next message; a connection that fails is closed and the next payload goes over a new one. When no
    /// connection can be made, every payload left is retried.
    public func deliver(_ payloads: [DeliveryPayload], reporting: (Int, DeliveryOutcome) async -> Void) async {
        var given = false
        await deliver(
            batches: {
                defer { given = true }
                return given ? nil : payloads
            }, reporting: reporting)
    }

    /// Sends the batches over one connection kept open between them (while `next` waits for the next batch), each
    /// message's acknowledgment read before the next message. A connection that fails is closed: the payload it
    /// failed on is retried and the next goes over a new connection, except when the first message sent after
    /// waiting fails: the peer may have closed the idle connection, so that payload goes once more over a new one
    /// before it counts as a failure (the same bytes and MSH-10, so a receiver can drop a duplicate). When no
    /// connection can be made, every payload left of the batch is retried.
    public func deliver(
        batches next: () async -> [DeliveryPayload]?, reporting: (Int, DeliveryOutcome) async -> Void
    ) async {
        // The current batch's payloads still to send, rendered first: a payload that cannot be written is dead
        // without taking a connection.
        var queue: [(index: Int, messages: [RenderedMessage])] = []
        func take() async -> Bool {
            guard let payloads = await next() else { return false }
            queue = []
            for (index, payload) in payloads.enumerated() {
                switch render(payload) {
                case .messages(let messages): queue.append((index, messages))
                case .refused(let outcome): await reporting(index, outcome)
                }
            }
            return true
        }
        guard await take() else { return }
        let timeout = configuration.acknowledgmentTimeout
        // Whether the first send over a kept connection failed (the peer may have closed it while it waited).
        var keptConnectionFailed = false
        while true {
            if queue.isEmpty {
                guard await take() else { return }
                continue
            }
            if Task.isCancelled {
                for (index, _) in queue { await reporting(index, .interrupted) }
                queue = []
                continue
            }
            var connected = false
            var kept = false
            do {
                try await client.withConnection { connection in
                    connected = true
                    while true {
                        while let (index, messages) = queue.first {
                            var outcome = DeliveryOutcome.deliveredWithoutReferences
                            for message in messages {
                                let reply: [UInt8]
                                do {
                                    reply = try await connection.send(message.bytes, timeout: timeout)
                                } catch {
                                    keptConnectionFailed = kept
                                    throw error
                                }
                                kept = false
                                let answer = Self.outcome(ofAcknowledgment: reply, controlID: message.controlID)
                                // An application acknowledgment is the row's only message: its outcome is not named.
                                outcome =
                                    message.kind == .applicationAcknowledgment
                                    ? answer : Self.naming(message.kind, answer)
                                guard outcome.isDelivered else { break }
                            }
                            queue.removeFirst()
                            await reporting(index, outcome)
                        }
                        guard !Task.isCancelled, await take() else { return }
                        kept = true
                    }
                }
                if queue.isEmpty { return }
            } catch {
                let outcome = failure(error)
                if keptConnectionFailed, outcome.isRetry, !Task.isCancelled {
                    // Sent again over a new connection, not counted as an attempt.
                    keptConnectionFailed = false
                    continue
                }
                keptConnectionFailed = false
                if connected, let (index, _) = queue.first {
                    // The connection failed during this payload: it is retried, and the next goes over a new one.
                    queue.removeFirst()
                    await reporting(index, outcome)
                } else {
                    for (index, _) in queue { await reporting(index, outcome) }
                    queue = []
                }
            }
        }
    }

    /// One message of a payload, rendered.
    private typealias RenderedMessage = (kind: HL7NoteRenderer.MessageKind, controlID: String, bytes: [UInt8])

    /// What rendering a payload gave: its messages, or the outcome that refuses it.
    private enum Rendering {
        case messages([RenderedMessage])
        case refused(DeliveryOutcome)
    }

    /// The messages of a payload, or the dead letter when they cannot be written.
    private func render(_ payload: DeliveryPayload) -> Rendering {
        switch payload {
        case .note(let note, let item):
            do {
                return .messages(
                    try renderer.messages(
                        note, kinds: configuration.messages, controlID: item.controlID, at: note.createdAt))
            } catch {
                return .refused(.dead(reason: "the note cannot be written as HL7 v2: \(error.code)"))
            }
        case .acknowledgment(let acknowledgment, let item):
            do {
                let bytes = try renderer.applicationAcknowledgment(
                    acknowledgment, controlID: item.controlID, at: acknowledgment.createdAt)
                return .messages([(kind: .applicationAcknowledgment, controlID: item.controlID, bytes: bytes)])
            } catch {
                return .refused(.dead(reason: "the acknowledgment cannot be written as HL7 v2: \(error.code)"))
            }
        }
    }

    /// The outcome of a send or connection that threw.
    private func failure(_ error: any Error) -> DeliveryOutcome {
        if Task.isCancelled || error is CancellationError { return .interrupted }
        if let error = error as? MLLPError { return .retry(reason: "no acknowledgment from \(name): \(error.code)") }
        return .retry(reason: "no acknowledgment from \(name): \(type(of: error))")
    }

    /// The outcome of one message of several, its kind named when it is not the first kind (ORU^R01).
    static func naming(_ kind: HL7NoteRenderer.MessageKind, _ outcome: DeliveryOutcome) -> DeliveryOutcome {
        guard kind != .observationResult else { return outcome }
        switch outcome {
        case .retry(let reason): return .retry(reason: "\(kind.rawValue) \(reason)")
        case .retryAfter(let reason, let delay): return .retryAfter(reason: "\(kind.rawValue) \(reason)", delay: delay)
        case .dead(let reason): return .dead(reason: "\(kind.rawValue) \(reason)")
        case .delivered, .interrupted: return outcome
        }
    }

    /// What an acknowledgment says about the message with `controlID`.
    static func outcome(ofAcknowledgment reply: [UInt8], controlID: String) -> DeliveryOutcome {
        guard let ack = try? HL7Message(parsing: reply), let msa = ack.segment("MSA") else {
            return .retry(reason: "the answer is not an HL7 acknowledgment")
        }
        let code = msa.field(1)?.repetition(1)?.value ?? ""
        let acknowledged = msa.field(2)?.repetition(1)?.value ?? ""
        guard acknowledged == controlID else {
            return .retry(reason: "the acknowledgment answers another message (MSA-2 differs from MSH-10)")
        }
        guard let parsed = HL7AcknowledgmentCode(rawValue: code.uppercased()) else {
            return .retry(reason: "the acknowledgment code MSA-1 is not one of AA, AE, AR, CA, CE, CR")
        }
        switch parsed {
        case .applicationAccept, .commitAccept:
            return .deliveredWithoutReferences
        case .applicationReject, .commitReject:
            return .retry(reason: "\(parsed.rawValue): the receiver rejected the message for now\(errorCode(ack))")
        case .applicationError, .commitError:
            return .dead(reason: "\(parsed.rawValue): the receiver refused the message\(errorCode(ack))")
        }
    }

    /// `; ERR-3 207 Application internal error`: the coded error of the first ERR (HL7 table 0357), without the
    /// receiver's free text. Codes and table texts longer than 80 characters are cut.
    static func errorCode(_ ack: HL7Message) -> String {
        guard let err = ack.segment("ERR"), let condition = err.field(3)?.repetition(1) else { return "" }
        let code = String((condition.component(1)?.value ?? "").prefix(20))
        let text = String((condition.component(2)?.value ?? "").prefix(80))
        guard !code.isEmpty else { return "" }
        let safe = text.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "/" }
        return "; ERR-3 \(code)" + (text.isEmpty || !safe ? "" : " \(text)")
    }
}
