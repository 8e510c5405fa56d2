import EncounterModel
import Store

/// What one claimed outbox row sends: a note, or an enhanced-mode application acknowledgment.
public enum DeliveryPayload: Sendable {
    /// A written note, for the row `item`.
    case note(NoteRecord, item: OutboxItem)
    /// An application acknowledgment, for the row `item`.
    case acknowledgment(ApplicationAcknowledgmentRecord, item: OutboxItem)

    /// The outbox row.
    public var item: OutboxItem {
        switch self {
        case .note(_, let item), .acknowledgment(_, let item): item
        }
    }
}
