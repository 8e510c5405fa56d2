import GRDB

extension SQLiteJournal {
    /// The schema migrations, applied in order on open.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("journal.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE journal (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        source TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        control_id TEXT,
                        message_type TEXT,
                        version TEXT,
                        received_at INTEGER NOT NULL,
                        state TEXT NOT NULL
                            CHECK (state IN ('received', 'accepted', 'rejected', 'processed', 'failed')),
                        body_sealed BLOB NOT NULL,
                        key_id TEXT NOT NULL,
                        acknowledgment BLOB,
                        ack_code TEXT NOT NULL,
                        duplicate_count INTEGER NOT NULL DEFAULT 0,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX journal_sender_control_id ON journal (sender, control_id, received_at);
                    CREATE INDEX journal_received_at ON journal (received_at);
                    """
            )
        }
        // The pipeline: why an accepted message failed, the notes written from messages, and their outbox.
        migrator.registerMigration("journal.v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE journal ADD COLUMN failure_reason TEXT;
                    CREATE INDEX journal_state ON journal (state, id);
                    CREATE TABLE pipeline_notes (
                        id TEXT PRIMARY KEY,
                        journal_id INTEGER UNIQUE,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        patient_key TEXT NOT NULL,
                        document_sealed BLOB NOT NULL,
                        key_id TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX pipeline_notes_expires_at ON pipeline_notes (expires_at);
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        note_id TEXT NOT NULL,
                        destination TEXT NOT NULL,
                        patient_key TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'in-flight', 'delivered', 'dead')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        control_id TEXT NOT NULL,
                        lease_token TEXT,
                        lease_expires_at INTEGER,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        delivered_at INTEGER,
                        UNIQUE (note_id, destination)
                    );
                    CREATE INDEX outbox_claimable ON outbox (destination, state, next_attempt_at);
                    CREATE INDEX outbox_patient_order ON outbox (destination, patient_key, id);
                    """
            )
        }
        // Resends that are not duplicates: a keyed digest of what a resend must match, and the earlier entry whose
        // control id a differing message reused. Rows from before have no digest and match any resend, as before.
        migrator.registerMigration("journal.reused-control-id") { db in
            try db.execute(
                sql: """
                    ALTER TABLE journal ADD COLUMN content_digest TEXT;
                    ALTER TABLE journal ADD COLUMN reuses_control_id_of INTEGER;
                    CREATE INDEX journal_reused_control_id ON journal (id) WHERE reuses_control_id_of IS NOT NULL;
                    """
            )
        }
        // What ADT messages told about visits, sealed, until a transcript message for the visit uses it.
        migrator.registerMigration("journal.encounter-context") { db in
            try db.execute(
                sql: """
                    CREATE TABLE encounter_context (
                        key TEXT PRIMARY KEY,
                        updated_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        document_sealed BLOB NOT NULL,
                        key_id TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX encounter_context_expires_at ON encounter_context (expires_at);
                    """
            )
        }
        // The claim reads only rows still to deliver: without these, each claim walked every row the destination
        // ever had (delivered ones included) and sorted them, so claiming slowed down as the outbox grew.
        migrator.registerMigration("outbox.active-rows") { db in
            try db.execute(
                sql: """
                    CREATE INDEX outbox_active ON outbox (destination, id) WHERE state IN ('pending', 'in-flight');
                    CREATE INDEX outbox_active_patient ON outbox (destination, patient_key, id) \
                    WHERE state IN ('pending', 'in-flight');
                    """
            )
        }
        // What a destination reported storing for a delivered row (a FHIR server's Type/id/_history/version
        // references), space-separated; rows delivered before have none.
        migrator.registerMigration("outbox.delivered-references") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN delivered_references TEXT")
        }
        // Claims of accepted entries by pipeline instances (who, and until when), so that each entry is written
        // by one instance; an embedded store has one instance, whose claims are always its own.
        migrator.registerMigration("journal.claims") { db in
            try db.execute(
                sql: """
                    ALTER TABLE journal ADD COLUMN claim_owner TEXT;
                    ALTER TABLE journal ADD COLUMN claim_expires_at INTEGER;
                    """
            )
        }
        return migrator
    }
}
