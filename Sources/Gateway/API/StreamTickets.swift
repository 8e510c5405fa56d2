import Foundation
import Scribe
import Store
import Synchronization

/// Short-lived, single-use tickets that let a browser's own `EventSource` (which can only GET, without headers)
/// open a note stream: `POST /v1/stream/ticket` authenticates, validates and writes the note, and keeps it here
/// under a random ticket; `GET /v1/stream/note?ticket=…` redeems it once and streams. Tickets live in memory only
/// (the note is PHI: it is never written anywhere until the stream stores it) and expire after their lifetime.
final class StreamTickets: Sendable {
    struct Entry: Sendable {
        var job: NoteJob
        var note: Note
        var key: APIKeyRecord
        var expires: ContinuousClock.Instant
    }

    /// `nbt_` and 192 random bits as hex.
    static let prefix = "nbt_"

    let lifetime: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Keeps the note under a new ticket; 429 when `capacity` tickets are waiting.
    func issue(job: NoteJob, note: Note, key: APIKeyRecord) throws(APIError) -> String {
        let now = ContinuousClock.now
        let ticket = Self.prefix + Hex.random(24)
        let issued = entries.withLock { entries -> Bool in
            entries = entries.filter { $0.value.expires > now }
            guard entries.count < capacity else { return false }
            entries[ticket] = Entry(job: job, note: note, key: key, expires: now + lifetime)
            return true
        }
        guard issued else {
            throw APIError.rateLimited(retryAfter: max(1, Int(lifetime.components.seconds)))
        }
        return ticket
    }

    /// The ticket's entry, removed (a ticket opens one stream); `nil` when unknown, used or expired.
    func redeem(_ ticket: String) -> Entry? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries.removeValue(forKey: ticket), entry.expires > now else { return nil }
            return entry
        }
    }
}
