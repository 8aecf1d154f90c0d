import Cairn
import GRDB

extension SQLiteStore {
    /// Marks a file as Cairn's (`PRAGMA application_id`): the bytes of "Crn1".
    static let applicationID: Int32 = 0x4372_6E31

    /// The versioned schema. Migrations are only ever appended; a file migrated by a newer
    /// Cairn is refused rather than guessed at.
    ///
    /// Times are REAL seconds since 2001-01-01T00:00:00Z (Foundation's reference date), which
    /// read back exactly; JSON columns hold ``Value/canonicalJSON`` text.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    CREATE TABLE stacks (
                        name TEXT PRIMARY KEY NOT NULL,
                        serial INTEGER NOT NULL DEFAULT 0,
                        fencing_token INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE resources (
                        stack TEXT NOT NULL,
                        address TEXT NOT NULL,
                        type TEXT NOT NULL,
                        id TEXT NOT NULL,
                        properties TEXT NOT NULL,
                        outputs TEXT NOT NULL,
                        dependencies TEXT NOT NULL,
                        idempotency_key TEXT,
                        lifecycle TEXT NOT NULL,
                        PRIMARY KEY (stack, address)
                    );
                    CREATE TABLE runs (
                        run_id TEXT PRIMARY KEY NOT NULL,
                        stack TEXT NOT NULL,
                        status TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        finished_at REAL,
                        ordinal INTEGER NOT NULL
                    );
                    CREATE INDEX runs_by_stack ON runs (stack, ordinal);
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL,
                        stack TEXT NOT NULL,
                        time REAL NOT NULL,
                        kind TEXT NOT NULL,
                        address TEXT,
                        action TEXT,
                        idempotency_key TEXT,
                        attempt INTEGER,
                        status TEXT,
                        error_class TEXT,
                        message TEXT,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX events_by_run ON events (run_id);
                    CREATE TABLE leases (
                        stack TEXT PRIMARY KEY NOT NULL,
                        holder TEXT NOT NULL,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        acquired_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        fencing_token INTEGER NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// Checks that the file is Cairn's (or empty), then brings its schema up to date.
    static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = migrator
        try writer.read { db in
            let owner = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables =
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if owner != applicationID && !tables.isEmpty {
                let names = tables.sorted().prefix(5).joined(separator: ", ")
                throw SQLiteStoreError.notAStateDatabase(
                    path: path, reason: "it is an SQLite database of another application (tables: \(names))")
            }
            if try migrator.hasBeenSuperseded(db) {
                throw SQLiteStoreError(
                    .newerSchema, path: path,
                    message: "the state database \(path) was written by a newer version of Cairn; "
                        + "upgrade cairn to use it.")
            }
        }
        try migrator.migrate(writer)
    }
}
