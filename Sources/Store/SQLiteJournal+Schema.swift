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
        return migrator
    }
}
