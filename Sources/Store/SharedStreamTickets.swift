import Foundation

/// Single-use stream tickets kept in the database, so that a ticket issued by one instance opens its stream on
/// any other (`POST /v1/stream/ticket`, then `GET /v1/stream/note?ticket=…` wherever the balancer sends it).
///
/// What a ticket keeps is the request it was issued for (PHI: sealed at rest, under the ticket's digest, and gone
/// when it is redeemed or expires); the redeeming instance writes the note from it again (the note writer is
/// deterministic). The ticket itself is a credential and is stored only as its SHA-256 digest.
public protocol SharedStreamTickets: Sendable {
    /// Keeps `request` for the API key `keyID` under `ticket` until `expiresAt`, and forgets tickets expired at
    /// `now`.
    func keep(ticket: String, keyID: String, request: [UInt8], expiresAt: Date, now: Date) async throws

    /// Removes the ticket and returns what it kept, or `nil` when it is unknown, used or expired at `now`. Two
    /// instances redeeming the same ticket at once: one gets it.
    func redeem(ticket: String, now: Date) async throws -> StreamTicketRequest?
}

/// What a shared stream ticket kept: the API key it was issued to and the request body, opened.
public struct StreamTicketRequest: Sendable, Hashable {
    /// The id of the API key that asked for the ticket.
    public var keyID: String
    /// The request body (JSON), plaintext in memory only.
    public var request: [UInt8]

    /// Creates the kept request.
    public init(keyID: String, request: [UInt8]) {
        self.keyID = keyID
        self.request = request
    }
}
