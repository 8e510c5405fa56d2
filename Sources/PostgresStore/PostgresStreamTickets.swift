import Foundation
import Logging
import NIOCore
import PostgresNIO
import Store

/// The ``SharedStreamTickets`` of a ``PostgresStore``: `stream_tickets`, one row per ticket under its digest, the
/// request sealed; redeeming is one `DELETE … RETURNING`, so a ticket opens one stream on whichever instance.
final class PostgresStreamTickets: SharedStreamTickets {
    let database: PostgresStoreDatabase
    let sealing: StoreSealing

    init(database: PostgresStoreDatabase, keyring: DataKeyring) {
        self.database = database
        self.sealing = StoreSealing(keyring: keyring)
    }

    func keep(ticket: String, keyID: String, request: [UInt8], expiresAt: Date, now: Date) async throws {
        let digest = StoreSealing.streamTicketDigest(ticket)
        let sealed = try sealing.seal(request, for: .streamTicket(digest: digest))
        let (stamp, expiry) = (now.epochMilliseconds, expiresAt.epochMilliseconds)
        try await database.transaction("keep stream ticket") { connection in
            try await connection.rows(
                "DELETE FROM stream_tickets WHERE expires_at <= \(stamp)", logger: self.database.logger)
            try await connection.rows(
                """
                INSERT INTO stream_tickets (ticket_digest, key_id, expires_at, request_sealed, seal_key_id) \
                VALUES (\(digest), \(keyID), \(expiry), \(sealed.bytes.buffer), \(sealed.keyID))
                """,
                logger: self.database.logger)
        }
    }

    func redeem(ticket: String, now: Date) async throws -> StreamTicketRequest? {
        let digest = StoreSealing.streamTicketDigest(ticket)
        let stamp = now.epochMilliseconds
        let found = try await database.withConnection("redeem stream ticket") { connection -> (String, SealedValue)? in
            guard
                let row = try await connection.rows(
                    """
                    DELETE FROM stream_tickets WHERE ticket_digest = \(digest) \
                    RETURNING key_id, expires_at, request_sealed, seal_key_id
                    """,
                    logger: self.database.logger
                ).first
            else { return nil }
            guard try row.value(1, as: Int64.self) > stamp else { return nil }
            return (
                try row.value(0, as: String.self),
                SealedValue(
                    keyID: try row.value(3, as: String.self), bytes: try row.value(2, as: ByteBuffer.self).bytes)
            )
        }
        guard let (keyID, sealed) = found else { return nil }
        return StreamTicketRequest(keyID: keyID, request: try sealing.open(sealed, for: .streamTicket(digest: digest)))
    }
}
