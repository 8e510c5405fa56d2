import Foundation
import Logging
import NIOCore
import PostgresNIO
import Store

/// The ``AudioJobStore`` of a ``PostgresStore``: `audio_jobs`, sealed as on SQLite. Claims take rows with
/// `FOR UPDATE SKIP LOCKED`, so instances claiming together never get the same job; a report or a finish changes the
/// row only while the claim is the caller's, and a finish deletes the job in the transaction that stores its note.
extension PostgresNoteStore: AudioJobStore {
    static let audioJobStatusColumns = """
        id, owner_key_id, state, created_at, expires_at, transcribed_ms, total_ms, error_status, \
        error_code, error_message, error_field, error_field_message
        """

    func enqueueAudioJob(_ job: NewAudioJob) async throws {
        let audio = try sealing.seal(job.audio, for: .audioJobAudio(id: job.id))
        let request = try sealing.seal(job.request, for: .audioJobRequest(id: job.id))
        let (created, expires) = (job.createdAt.epochMilliseconds, job.expiresAt.epochMilliseconds)
        try await database.transaction("queue audio job") { connection in
            let note = try await connection.rows("SELECT 1 FROM notes WHERE id = \(job.id)", logger: self.logger)
            guard note.isEmpty else { throw StoreError(.invalidArgument, reason: "a note with this id exists") }
            do {
                try await connection.rows(
                    """
                    INSERT INTO audio_jobs (id, owner_key_id, state, created_at, updated_at, expires_at, audio_sealed, \
                    audio_key_id, request_sealed, request_key_id) VALUES (\(job.id), \(job.ownerKeyID), 'queued', \
                    \(created), \(created), \(expires), \(audio.bytes.buffer), \(audio.keyID), \
                    \(request.bytes.buffer), \(request.keyID))
                    """,
                    logger: self.logger)
            } catch  where PostgresStoreDatabase.sqlState(error) == "23505" {
                throw StoreError(.invalidArgument, reason: "a job with this id exists")
            }
        }
    }

    func claimAudioJobs(limit: Int, by claimant: JournalClaimant, excluding: Set<String>, now: Date) async throws
        -> [AudioJob]
    {
        guard limit > 0 else { return [] }
        guard claimant.lease > .zero else {
            throw StoreError(.invalidArgument, reason: "the claim lease must be positive")
        }
        let stamp = now.epochMilliseconds
        let expires = stamp + claimant.lease.clampedMilliseconds
        let skipped = excluding.sorted()
        let owner = claimant.owner
        let rows = try await database.transaction("claim audio jobs") { connection in
            try await connection.rows(
                """
                WITH claimable AS (
                    SELECT id FROM audio_jobs WHERE expires_at > \(stamp) AND (state = 'queued' OR \
                    (state = 'processing' AND (claim_owner IS NULL OR claim_owner = \(owner) \
                    OR claim_expires_at <= \(stamp)))) \
                    AND NOT (id = ANY(\(skipped)::text[])) ORDER BY created_at, id LIMIT \(limit) \
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE audio_jobs SET state = 'processing', claim_owner = \(owner), claim_expires_at = \(expires), \
                updated_at = \(stamp), attempts = audio_jobs.attempts + 1 FROM claimable \
                WHERE audio_jobs.id = claimable.id RETURNING audio_jobs.id, audio_jobs.owner_key_id, \
                audio_jobs.created_at, audio_jobs.expires_at, audio_jobs.attempts, audio_jobs.audio_sealed, \
                audio_jobs.audio_key_id, audio_jobs.request_sealed, audio_jobs.request_key_id
                """,
                logger: self.logger
            ).map { row -> ClaimedAudioJobRow in
                let cells = row.makeRandomAccess()
                guard let audio = try cells[5].decode(ByteBuffer?.self),
                    let audioKey = try cells[6].decode(String?.self),
                    let request = try cells[7].decode(ByteBuffer?.self),
                    let requestKey = try cells[8].decode(String?.self)
                else { throw StoreError(.corruptEntry, reason: "an audio job row lacks its sealed audio") }
                return ClaimedAudioJobRow(
                    id: try cells[0].decode(String.self), ownerKeyID: try cells[1].decode(String.self),
                    createdAt: try cells[2].decode(Int64.self), expiresAt: try cells[3].decode(Int64.self),
                    attempts: try cells[4].decode(Int.self), audio: SealedValue(keyID: audioKey, bytes: audio.bytes),
                    request: SealedValue(keyID: requestKey, bytes: request.bytes))
            }
        }
        return try rows.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map { try $0.open(sealing) }
    }

    func recordAudioJobProgress(
        id: String, by claimant: JournalClaimant, secondsTranscribed: Double, secondsTotal: Double, now: Date
    ) async throws -> Bool {
        let stamp = now.epochMilliseconds
        let expires = stamp + claimant.lease.clampedMilliseconds
        let done = AudioJobProgress.milliseconds(secondsTranscribed)
        let total = AudioJobProgress.milliseconds(secondsTotal)
        return try await database.withConnection("record audio job progress") { connection in
            let changed = try await connection.rows(
                """
                UPDATE audio_jobs SET transcribed_ms = \(done), total_ms = \(total), \
                claim_expires_at = \(expires), updated_at = \(stamp) WHERE id = \(id) AND state = 'processing' \
                AND claim_owner = \(claimant.owner) RETURNING id
                """,
                logger: self.logger)
            return !changed.isEmpty
        }
    }

    func completeAudioJob(
        id: String, by claimant: JournalClaimant, note: StoredNote, announcing delivery: WebhookDelivery?
    ) async throws -> Bool {
        guard note.id == id else { throw StoreError(.invalidArgument, reason: "the note's id is not the job's") }
        let sealed = try SealedNote(note, sealing: sealing)
        return try await database.transaction("complete audio job") { connection in
            let deleted = try await connection.rows(
                """
                DELETE FROM audio_jobs WHERE id = \(id) AND state = 'processing' AND claim_owner = \(claimant.owner) \
                RETURNING id
                """,
                logger: self.logger)
            guard !deleted.isEmpty else { return false }
            try await Self.insert(sealed, on: connection, logger: self.logger)
            if let delivery { _ = try await Self.insert(delivery, on: connection, logger: self.logger) }
            return true
        }
    }

    func failAudioJob(
        id: String, by claimant: JournalClaimant, failure: AudioJobFailure, announcing delivery: WebhookDelivery?,
        now: Date
    ) async throws -> Bool {
        let stamp = now.epochMilliseconds
        return try await database.transaction("fail audio job") { connection in
            let changed = try await connection.rows(
                """
                UPDATE audio_jobs SET state = 'failed', audio_sealed = NULL, audio_key_id = NULL, \
                request_sealed = NULL, request_key_id = NULL, claim_owner = NULL, claim_expires_at = NULL, \
                updated_at = \(stamp), error_status = \(failure.status), error_code = \(failure.code), \
                error_message = \(failure.message), error_field = \(failure.field), \
                error_field_message = \(failure.fieldMessage) WHERE id = \(id) AND state = 'processing' \
                AND claim_owner = \(claimant.owner) RETURNING id
                """,
                logger: self.logger)
            guard !changed.isEmpty else { return false }
            if let delivery { _ = try await Self.insert(delivery, on: connection, logger: self.logger) }
            return true
        }
    }

    func releaseAudioJob(id: String, by claimant: JournalClaimant, now: Date) async throws -> Bool {
        let stamp = now.epochMilliseconds
        return try await database.withConnection("release audio job") { connection in
            let changed = try await connection.rows(
                """
                UPDATE audio_jobs SET state = 'queued', claim_owner = NULL, claim_expires_at = NULL, \
                attempts = GREATEST(attempts - 1, 0), updated_at = \(stamp) WHERE id = \(id) \
                AND state = 'processing' AND claim_owner = \(claimant.owner) RETURNING id
                """,
                logger: self.logger)
            return !changed.isEmpty
        }
    }

    func audioJob(id: String, now: Date) async throws -> AudioJobStatus? {
        let stamp = now.epochMilliseconds
        return try await database.withConnection("read audio job") { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.audioJobStatusColumns) FROM audio_jobs WHERE id = \(id) \
                AND expires_at > \(stamp)
                """,
                logger: self.logger
            ).first.map(Self.decodeAudioJobStatus)
        }
    }

    func audioJobs(idPrefix prefix: String, now: Date) async throws -> [AudioJobStatus] {
        let stamp = now.epochMilliseconds
        let length = Int32(prefix.count)
        return try await database.withConnection("read audio jobs") { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.audioJobStatusColumns) FROM audio_jobs \
                WHERE substr(id, 1, \(length)) = \(prefix) AND expires_at > \(stamp) ORDER BY created_at, id
                """,
                logger: self.logger
            ).map(Self.decodeAudioJobStatus)
        }
    }

    private static func decodeAudioJobStatus(_ row: PostgresRow) throws -> AudioJobStatus {
        let cells = row.makeRandomAccess()
        let stateName = try cells[2].decode(String.self)
        guard let state = AudioJobState(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "audio job row has unknown state \(stateName)")
        }
        var failure: AudioJobFailure?
        if let status = try cells[7].decode(Int?.self), let code = try cells[8].decode(String?.self),
            let message = try cells[9].decode(String?.self)
        {
            failure = AudioJobFailure(
                status: status, code: code, message: message, field: try cells[10].decode(String?.self),
                fieldMessage: try cells[11].decode(String?.self))
        }
        return AudioJobStatus(
            id: try cells[0].decode(String.self), ownerKeyID: try cells[1].decode(String.self), state: state,
            createdAt: Date(epochMilliseconds: try cells[3].decode(Int64.self)),
            expiresAt: Date(epochMilliseconds: try cells[4].decode(Int64.self)),
            secondsTranscribed: Double(try cells[5].decode(Int64.self)) / 1000,
            secondsTotal: Double(try cells[6].decode(Int64.self)) / 1000,
            failure: failure)
    }

    func deleteAudioJob(id: String) async throws -> Bool {
        try await database.withConnection("delete audio job") { connection in
            !(try await connection.rows("DELETE FROM audio_jobs WHERE id = \(id) RETURNING id", logger: self.logger))
                .isEmpty
        }
    }

    func audioJobCounts() async throws -> [AudioJobState: Int] {
        try await database.withConnection("count audio jobs") { connection in
            var counts: [AudioJobState: Int] = [:]
            for row in try await connection.rows(
                "SELECT state, COUNT(*) FROM audio_jobs GROUP BY state", logger: self.logger)
            {
                let (name, count) = try row.decode((String, Int).self)
                if let state = AudioJobState(rawValue: name) { counts[state] = count }
            }
            return counts
        }
    }

    func purgeExpiredAudioJobs(now: Date) async throws -> Int {
        let stamp = now.epochMilliseconds
        return try await database.withConnection(
            "purge audio jobs", statementLimit: database.maintenanceStatementLimit
        ) { connection in
            try await connection.rows(
                "DELETE FROM audio_jobs WHERE expires_at <= \(stamp) RETURNING id", logger: self.logger
            ).count
        }
    }
}
