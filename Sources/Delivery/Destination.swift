import EncounterModel
import Store

/// Where notes go: one configured receiver (an EHR's MLLP listener today; a FHIR server and webhooks next).
///
/// A destination renders the stored note in its own format and sends it once per call; the outbox worker decides
/// about retries from the outcome. Implementations must never put PHI in an outcome's reason.
public protocol Destination: Sendable {
    /// The configured name: the outbox rows of this destination carry it.
    var name: String { get }

    /// Sends `note` for the outbox row `item` (its ``OutboxItem/controlID`` is the MSH-10 of every try).
    func deliver(_ note: NoteRecord, item: OutboxItem) async -> DeliveryOutcome

    /// Sends the enhanced-mode application acknowledgment `acknowledgment` for the outbox row `item`.
    func deliver(_ acknowledgment: ApplicationAcknowledgmentRecord, item: OutboxItem) async -> DeliveryOutcome

    /// Sends `payloads` one after the other, sharing what the destination can share between them (one MLLP
    /// connection), and reports each one's outcome, by its index, as soon as it is known. Every payload is reported
    /// exactly once, in order.
    func deliver(_ payloads: [DeliveryPayload], reporting: (Int, DeliveryOutcome) async -> Void) async

    /// Delivers the batches `next` hands out, one after the other, until it returns `nil`, keeping what the
    /// destination can keep between them (an MLLP connection stays open while `next` waits for the next batch, so
    /// that a busy outbox worker does not connect once per claim). Every payload is reported exactly once, in order,
    /// by its index in its batch; `next` is called only once the previous batch is wholly reported.
    func deliver(
        batches next: () async -> [DeliveryPayload]?, reporting: (Int, DeliveryOutcome) async -> Void
    ) async
}

extension Destination {
    /// A destination that does not send application acknowledgments refuses them (dead letter, with the reason).
    public func deliver(_ acknowledgment: ApplicationAcknowledgmentRecord, item: OutboxItem) async -> DeliveryOutcome {
        .dead(reason: "destination \(name) does not send HL7 v2 application acknowledgments")
    }
}

extension Destination {
    /// Each batch on its own with ``deliver(_:reporting:)``, for a destination with nothing to keep between them.
    public func deliver(
        batches next: () async -> [DeliveryPayload]?, reporting: (Int, DeliveryOutcome) async -> Void
    ) async {
        while let payloads = await next() {
            await deliver(payloads, reporting: reporting)
        }
    }
}

extension Destination {
    /// One ``deliver(_:item:)`` per payload, for a destination with nothing to share between them.
    public func deliver(_ payloads: [DeliveryPayload], reporting: (Int, DeliveryOutcome) async -> Void) async {
        for (index, payload) in payloads.enumerated() {
            let outcome: DeliveryOutcome
            switch payload {
            case .note(let note, let item): outcome = await deliver(note, item: item)
            case .acknowledgment(let acknowledgment, let item): outcome = await deliver(acknowledgment, item: item)
            }
            await reporting(index, outcome)
        }
    }
}
