import Cairn
import GRDB

extension SQLiteStore {
    /// Writes one batch inside the caller's write transaction: fencing check, run row, events,
    /// per-row state changes, serial. Throwing rolls everything back. Returns the serial.
    static func commit(_ batch: JournalBatch, _ db: Database, path: String) throws -> Int64 {
        let stack = try stackRow(batch.stack, db, path: path)
        if batch.fencingToken < stack.fencingToken {
            throw FencedOff(stack: batch.stack, token: batch.fencingToken, current: stack.fencingToken)
        }
        if let run = batch.run {
            try db.cachedStatement(sql: upsertRun).execute(arguments: [
                run.runID, run.stack, run.status.rawValue, run.operation, StoredRow.seconds(run.startedAt),
                run.finishedAt.map(StoredRow.seconds),
            ])
        }
        if !batch.events.isEmpty {
            let insert = try db.cachedStatement(sql: insertEvent)
            for event in batch.events {
                try insert.execute(arguments: [
                    event.runID, batch.stack, StoredRow.seconds(event.time), event.kind.rawValue, event.address,
                    event.action, event.idempotencyKey, event.attempt, event.status, event.errorClass, event.message,
                    Value.map(event.detail).canonicalJSON,
                ])
            }
        }
        guard !batch.changes.isEmpty else { return stack.serial }
        for change in batch.changes {
            switch change {
            case .put(let r):
                try db.cachedStatement(sql: upsertResource).execute(arguments: [
                    batch.stack, r.address, r.type, r.id, Value.map(r.properties).canonicalJSON,
                    Value.map(r.outputs).canonicalJSON, Value.list(r.dependencies.map(Value.string)).canonicalJSON,
                    r.idempotencyKey, StoredRow.json(r.lifecycle),
                ])
            case .remove(let address):
                try db.cachedStatement(sql: deleteResource).execute(arguments: [batch.stack, address])
            }
        }
        let serial = stack.serial + 1
        try db.cachedStatement(sql: upsertSerial).execute(arguments: [batch.stack, serial])
        return serial
    }

    /// The serial and fencing token of a stack; zeros for a stack never written.
    static func stackRow(_ stack: String, _ db: Database, path: String) throws -> (serial: Int64, fencingToken: Int64) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: selectStack), arguments: [stack]) else {
            return (0, 0)
        }
        let stored = StoredRow(row: row, path: path, table: "stacks", key: "name '\(stack)'")
        return (try stored.integer("serial"), try stored.integer("fencing_token"))
    }

    static let selectStack = "SELECT serial, fencing_token FROM stacks WHERE name = ?"

    static let upsertSerial = """
        INSERT INTO stacks (name, serial, fencing_token) VALUES (?, ?, 0)
        ON CONFLICT (name) DO UPDATE SET serial = excluded.serial
        """

    /// A new run is numbered after the stack's newest, so that listing is newest first; a
    /// re-commit of the same run updates it in place and keeps its number.
    static let upsertRun = """
        INSERT INTO runs (run_id, stack, status, operation, started_at, finished_at, ordinal)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT IFNULL(MAX(ordinal), 0) + 1 FROM runs WHERE stack = ?2))
        ON CONFLICT (run_id) DO UPDATE SET
            status = excluded.status, operation = excluded.operation,
            started_at = excluded.started_at, finished_at = excluded.finished_at
        """

    static let insertEvent = """
        INSERT INTO events (run_id, stack, time, kind, address, action, idempotency_key, attempt, status,
            error_class, message, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static let upsertResource = """
        INSERT INTO resources (stack, address, type, id, properties, outputs, dependencies, idempotency_key,
            lifecycle)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (stack, address) DO UPDATE SET
            type = excluded.type, id = excluded.id, properties = excluded.properties, outputs = excluded.outputs,
            dependencies = excluded.dependencies, idempotency_key = excluded.idempotency_key,
            lifecycle = excluded.lifecycle
        """

    static let deleteResource = "DELETE FROM resources WHERE stack = ? AND address = ?"
}
