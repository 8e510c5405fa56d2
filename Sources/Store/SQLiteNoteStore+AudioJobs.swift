import Foundation
import GRDB

/// The ``AudioJobStore`` of the SQLite database: `audio_jobs`, one row per job, the recording and the request
/// sealed by ``StoreSealing`` and bound to the job's id. SQLite has one writer, so each claim, report and finish is
/// one write transaction that cannot race another.
extension SQLiteNoteStore: AudioJobStore {
    static let audioJobsTable = """
        CREATE TABLE audio_jobs (
            id TEXT PRIMARY KEY,
            owner_key_id TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'failed')),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            audio_sealed BLOB,
            audio_key_id TEXT,
            request_sealed BLOB,
            request_key_id TEXT,
            transcribed_ms INTEGER NOT NULL DEFAULT 0,
            total_ms INTEGER NOT NULL DEFAULT 0,
            claim_owner TEXT,
            claim_expires_at INTEGER,
            error_status INTEGER,
            error_code TEXT,
            error_message TEXT,
            error_field TEXT,
            error_field_message TEXT
        ) WITHOUT ROWID;
        CREATE INDEX audio_jobs_claimable ON audio_jobs (state, created_at) WHERE state != 'failed';
        CREATE INDEX audio_jobs_expires_at ON audio_jobs (expires_at);
        """

    static let audioJobStatusColumns = """
        id, owner_key_id, state, created_at, expires_at, transcribed_ms, total_ms, error_status, \
        error_code, error_message, error_field, error_field_message
        """

    /// Stores a queued job, sealed (see ``AudioJobStore/enqueueAudioJob(_:)``).
    public func enqueueAudioJob(_ job: NewAudioJob) async throws {
        let audio = try sealing.seal(job.audio, for: .audioJobAudio(id: job.id))
        let request = try sealing.seal(job.request, for: .audioJobRequest(id: job.id))
        try await write("queue audio job") { db in
            let taken =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM audio_jobs WHERE id = ? UNION ALL SELECT 1 FROM notes WHERE id = ?",
                    arguments: [job.id, job.id]) ?? false
            guard !taken else { throw StoreError(.invalidArgument, reason: "a job or a note with this id exists") }
            try db.execute(
                sql: """
                    INSERT INTO audio_jobs (id, owner_key_id, state, created_at, updated_at, expires_at, audio_sealed, \
                    audio_key_id, request_sealed, request_key_id) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    job.id, job.ownerKeyID, job.createdAt.epochMilliseconds, job.createdAt.epochMilliseconds,
                    job.expiresAt.epochMilliseconds, Data(audio.bytes), audio.keyID, Data(request.bytes),
                    request.keyID,
                ])
        }
    }

    /// Claims jobs in one write (see ``AudioJobStore/claimAudioJobs(limit:by:excluding:now:)``).
    public func claimAudioJobs(limit: Int, by claimant: JournalClaimant, excluding: Set<String>, now: Date)
        async throws -> [AudioJob]
    {
        guard limit > 0 else { return [] }
        guard claimant.lease > .zero else {
            throw StoreError(.invalidArgument, reason: "the claim lease must be positive")
        }
        let stamp = now.epochMilliseconds
        let expires = stamp + claimant.lease.clampedMilliseconds
        var selection = """
            SELECT id FROM audio_jobs WHERE expires_at > ? AND (state = 'queued' OR (state = 'processing' \
            AND (claim_owner IS NULL OR claim_owner = ? OR claim_expires_at <= ?)))
            """
        var arguments: StatementArguments = [claimant.owner, expires, stamp, stamp, claimant.owner, stamp]
        if !excluding.isEmpty {
            selection += " AND id NOT IN (" + excluding.map { _ in "?" }.joined(separator: ", ") + ")"
            for id in excluding.sorted() { arguments += [id] }
        }
        selection += " ORDER BY created_at, id LIMIT ?"
        arguments += [limit]
        let sql = """
            UPDATE audio_jobs SET state = 'processing', claim_owner = ?, claim_expires_at = ?, updated_at = ?, \
            attempts = attempts + 1 WHERE id IN (\(selection)) RETURNING id, owner_key_id, created_at, expires_at, \
            attempts, audio_sealed, audio_key_id, request_sealed, request_key_id
            """
        let claiming = arguments
        let rows = try await write("claim audio jobs") { db in
            try Row.fetchAll(db, sql: sql, arguments: claiming).map { row -> ClaimedAudioJobRow in
                guard let audio = row[5] as Data?, let audioKey = row[6] as String?, let request = row[7] as Data?,
                    let requestKey = row[8] as String?
                else { throw StoreError(.corruptEntry, reason: "an audio job row lacks its sealed audio") }
                return ClaimedAudioJobRow(
                    id: row[0], ownerKeyID: row[1], createdAt: row[2], expiresAt: row[3], attempts: row[4],
                    audio: SealedValue(keyID: audioKey, bytes: Array(audio)),
                    request: SealedValue(keyID: requestKey, bytes: Array(request)))
            }
        }
        return try rows.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map { try $0.open(sealing) }
    }

    /// Records progress and extends the claim while the claimant holds the job.
    public func recordAudioJobProgress(
        id: String, by claimant: JournalClaimant, secondsTranscribed: Double, secondsTotal: Double, now: Date
    ) async throws -> Bool {
        let stamp = now.epochMilliseconds
        let expires = stamp + claimant.lease.clampedMilliseconds
        return try await write("record audio job progress") { db in
            try db.execute(
                sql: """
                    UPDATE audio_jobs SET transcribed_ms = ?, total_ms = ?, claim_expires_at = ?, \
                    updated_at = ? WHERE id = ? AND state = 'processing' AND claim_owner = ?
                    """,
                arguments: [
                    AudioJobProgress.milliseconds(secondsTranscribed), AudioJobProgress.milliseconds(secondsTotal),
                    expires, stamp, id,
                    claimant.owner,
                ])
            return db.changesCount > 0
        }
    }

    /// Erases the held job and stores its note and webhook in one write.
    public func completeAudioJob(
        id: String, by claimant: JournalClaimant, note: StoredNote, announcing delivery: WebhookDelivery?
    ) async throws -> Bool {
        guard note.id == id else { throw StoreError(.invalidArgument, reason: "the note's id is not the job's") }
        let sealed = try SealedNote(note, sealing: sealing)
        return try await write("complete audio job") { db in
            try db.execute(
                sql: "DELETE FROM audio_jobs WHERE id = ? AND state = 'processing' AND claim_owner = ?",
                arguments: [id, claimant.owner])
            guard db.changesCount > 0 else { return false }
            try Self.insert(sealed, into: db)
            if let delivery { _ = try Self.insert(delivery, into: db) }
            return true
        }
    }

    /// Erases the held job's audio and request, keeps its failure and queues its webhook, in one write.
    public func failAudioJob(
        id: String, by claimant: JournalClaimant, failure: AudioJobFailure, announcing delivery: WebhookDelivery?,
        now: Date
    ) async throws -> Bool {
        try await write("fail audio job") { db in
            try db.execute(
                sql: """
                    UPDATE audio_jobs SET state = 'failed', audio_sealed = NULL, audio_key_id = NULL, \
                    request_sealed = NULL, request_key_id = NULL, claim_owner = NULL, claim_expires_at = NULL, \
                    updated_at = ?, error_status = ?, error_code = ?, error_message = ?, error_field = ?, \
                    error_field_message = ? WHERE id = ? AND state = 'processing' AND claim_owner = ?
                    """,
                arguments: [
                    now.epochMilliseconds, failure.status, failure.code, failure.message, failure.field,
                    failure.fieldMessage, id, claimant.owner,
                ])
            guard db.changesCount > 0 else { return false }
            if let delivery { _ = try Self.insert(delivery, into: db) }
            return true
        }
    }

    /// Gives the held job back to the queue, its claim not counted.
    public func releaseAudioJob(id: String, by claimant: JournalClaimant, now: Date) async throws -> Bool {
        try await write("release audio job") { db in
            try db.execute(
                sql: """
                    UPDATE audio_jobs SET state = 'queued', claim_owner = NULL, claim_expires_at = NULL, \
                    attempts = MAX(attempts - 1, 0), updated_at = ? WHERE id = ? AND state = 'processing' \
                    AND claim_owner = ?
                    """,
                arguments: [now.epochMilliseconds, id, claimant.owner])
            return db.changesCount > 0
        }
    }

    /// The job's status, nothing opened.
    public func audioJob(id: String, now: Date) async throws -> AudioJobStatus? {
        try await read("read audio job") { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.audioJobStatusColumns) FROM audio_jobs WHERE id = ? AND expires_at > ?",
                arguments: [id, now.epochMilliseconds]
            ).map(Self.decodeAudioJobStatus)
        }
    }

    /// The statuses of the jobs whose id starts with `prefix`, nothing opened.
    public func audioJobs(idPrefix prefix: String, now: Date) async throws -> [AudioJobStatus] {
        try await read("read audio jobs") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.audioJobStatusColumns) FROM audio_jobs WHERE substr(id, 1, ?) = ? \
                    AND expires_at > ? ORDER BY created_at, id
                    """,
                arguments: [prefix.count, prefix, now.epochMilliseconds]
            ).map(Self.decodeAudioJobStatus)
        }
    }

    private static func decodeAudioJobStatus(_ row: Row) throws -> AudioJobStatus {
        let stateName: String = row[2]
        guard let state = AudioJobState(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "audio job row has unknown state \(stateName)")
        }
        var failure: AudioJobFailure?
        if let status = row[7] as Int?, let code = row[8] as String?, let message = row[9] as String? {
            failure = AudioJobFailure(
                status: status, code: code, message: message, field: row[10], fieldMessage: row[11])
        }
        return AudioJobStatus(
            id: row[0], ownerKeyID: row[1], state: state, createdAt: Date(epochMilliseconds: row[3]),
            expiresAt: Date(epochMilliseconds: row[4]), secondsTranscribed: Double(row[5] as Int64) / 1000,
            secondsTotal: Double(row[6] as Int64) / 1000,
            failure: failure)
    }

    /// Erases the job.
    public func deleteAudioJob(id: String) async throws -> Bool {
        try await write("delete audio job") { db in
            try db.execute(sql: "DELETE FROM audio_jobs WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// The jobs per state.
    public func audioJobCounts() async throws -> [AudioJobState: Int] {
        try await read("count audio jobs") { db in
            var counts: [AudioJobState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM audio_jobs GROUP BY state") {
                let name: String = row[0]
                if let state = AudioJobState(rawValue: name) { counts[state] = row[1] }
            }
            return counts
        }
    }

    /// Erases expired jobs.
    public func purgeExpiredAudioJobs(now: Date) async throws -> Int {
        try await write("purge audio jobs") { db in
            try db.execute(sql: "DELETE FROM audio_jobs WHERE expires_at <= ?", arguments: [now.epochMilliseconds])
            return db.changesCount
        }
    }
}

/// A claimed job row as read, its audio and request still sealed (shared by the backends).
package struct ClaimedAudioJobRow: Sendable {
    package var id: String
    package var ownerKeyID: String
    package var createdAt: Int64
    package var expiresAt: Int64
    package var attempts: Int
    package var audio: SealedValue
    package var request: SealedValue

    package init(
        id: String, ownerKeyID: String, createdAt: Int64, expiresAt: Int64, attempts: Int, audio: SealedValue,
        request: SealedValue
    ) {
        self.id = id
        self.ownerKeyID = ownerKeyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.attempts = attempts
        self.audio = audio
        self.request = request
    }

    package func open(_ sealing: StoreSealing) throws -> AudioJob {
        AudioJob(
            job: NewAudioJob(
                id: id, ownerKeyID: ownerKeyID, createdAt: Date(epochMilliseconds: createdAt),
                expiresAt: Date(epochMilliseconds: expiresAt),
                audio: try sealing.open(audio, for: .audioJobAudio(id: id)),
                request: try sealing.open(request, for: .audioJobRequest(id: id))),
            attempts: attempts)
    }
}

/// Progress as the tables keep it: whole milliseconds (shared by the backends).
package enum AudioJobProgress {
    /// `seconds` in whole milliseconds, 0 for a negative or non-finite value, clamped to `Int64`.
    package static func milliseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return seconds >= Double(Int64.max) / 1000 ? Int64.max : Int64((seconds * 1000).rounded())
    }
}
