import EncounterModel
import Foundation
import Logging
import Store

/// A webhook receiver as an outbox destination: each written note is announced by a signed `note.generated` event
/// (the note's id, time and document type; never note text or patient data), retried by the outbox worker like any
/// other destination. The event id is the row's control id, the same on every retry, so that a receiver can drop
/// duplicates.
public struct WebhookDestination: Destination {
    /// Where and how events are posted.
    public struct Configuration: Sendable, Hashable {
        /// The receiver's `http` or `https` URL.
        public var url: String
        /// The HMAC-SHA256 signing secret the receiver verifies with (``WebhookSignature``).
        public var secret: String
        /// The longest one POST may take.
        public var timeout: Duration

        /// Creates a configuration.
        public init(url: String, secret: String, timeout: Duration = .seconds(10)) {
            self.url = url
            self.secret = secret
            self.timeout = timeout
        }
    }

    public let name: String
    /// The receiver.
    public let configuration: Configuration
    let sender: WebhookSender
    let logger: Logger

    /// Creates the destination.
    public init(name: String, configuration: Configuration, sender: WebhookSender = WebhookSender(), logger: Logger) {
        self.name = name
        self.configuration = configuration
        self.sender = sender
        self.logger = logger
    }

    public func deliver(_ note: NoteRecord, item: OutboxItem) async -> DeliveryOutcome {
        let payload: [UInt8]
        do {
            payload = try Self.event(note, item: item)
        } catch {
            return .dead(reason: "the event cannot be encoded")
        }
        let answer = await sender.post(
            url: configuration.url, eventType: "note.generated", deliveryID: item.controlID, payload: payload,
            secret: configuration.secret, timeout: configuration.timeout)
        if answer.isSuccess { return .deliveredWithoutReferences }
        if let delay = answer.retryAfter {
            return .retryAfter(
                reason: "\(answer.result) from the webhook receiver (Retry-After \(delay.components.seconds) s)",
                delay: delay)
        }
        if answer.isRetryable { return .retry(reason: "\(answer.result) from the webhook receiver") }
        return .dead(reason: "\(answer.result): the webhook receiver refused the event")
    }

    /// The event JSON: `{"id","type","created_at","data":{"noteId","createdAt","documentType","destination"}}`.
    static func event(_ note: NoteRecord, item: OutboxItem) throws -> [UInt8] {
        struct Data: Encodable {
            var noteId: String
            var createdAt: String
            var documentType: String
            var destination: String
        }
        struct Event: Encodable {
            var id: String
            var type: String
            var created_at: String
            var data: Data
        }
        let format = Date.ISO8601FormatStyle()
        let event = Event(
            id: "evt_" + item.controlID, type: "note.generated", created_at: format.format(item.createdAt),
            data: Data(
                noteId: note.id, createdAt: format.format(note.createdAt), documentType: note.documentType.code,
                destination: item.destination))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(event))
    }
}

extension WebhookDestination.Configuration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The URL and timeout; never the secret (lifecycle logs describe services with their configuration).
    public var description: String {
        "WebhookDestination.Configuration(url: \(url), secret: <redacted>, timeout: \(timeout))"
    }
    public var debugDescription: String { description }
}
