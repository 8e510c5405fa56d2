import Foundation
import Scribe
import Store
import Synchronization

/// Short-lived, single-use tickets that let a browser's own `EventSource` (which can only GET, without headers)
/// open a note stream: `POST /v1/stream/ticket` authenticates, validates and writes the note, and keeps it here
/// under a random ticket; `GET /v1/stream/note?ticket=…` redeems it once and streams. Tickets expire after their
/// lifetime. On one instance they live in memory only (the note is PHI: it is never written anywhere until the
/// stream stores it). Instances sharing a database keep them there instead (``SharedStreamTickets``: the request,
/// sealed, under the ticket's digest), so that the stream opens on whichever instance the balancer picks; the
/// redeeming instance writes the note from the request again.
final class StreamTickets: Sendable {
    /// What a redeemed ticket gives: the note written when it was issued (memory), or the request it was issued for
    /// (shared), whose note the caller writes again.
    enum Redemption: Sendable {
        case written(Entry)
        case request(StreamTicketRequest)
    }

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
    let shared: (any SharedStreamTickets)?

    init(lifetime: Duration, capacity: Int = 10_000, shared: (any SharedStreamTickets)? = nil) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.shared = shared
    }

    /// Keeps the ticket's request in the shared store, or its note in memory when there is none.
    func issue(job: NoteJob, note: Note, key: APIKeyRecord, request: [UInt8]) async throws -> String {
        guard let shared else { return try issue(job: job, note: note, key: key) }
        let ticket = Self.prefix + Hex.random(24)
        let now = Date()
        try await shared.keep(
            ticket: ticket, keyID: key.id, request: request, expiresAt: now.addingTimeInterval(lifetime.timeInterval),
            now: now)
        return ticket
    }

    /// The ticket's note or request, removed; `nil` when unknown, used or expired.
    func redeemAnywhere(_ ticket: String) async throws -> Redemption? {
        guard let shared else { return redeem(ticket).map(Redemption.written) }
        return try await shared.redeem(ticket: ticket, now: Date()).map(Redemption.request)
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
