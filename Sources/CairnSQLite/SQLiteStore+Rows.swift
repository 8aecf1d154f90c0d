import Cairn
import GRDB

/// Reading the stored rows back into Cairn's values.
extension SQLiteStore {
    static let selectResources = """
        SELECT address, type, id, properties, outputs, dependencies, idempotency_key, lifecycle
        FROM resources WHERE stack = ?
        """

    static let selectRuns = """
        SELECT run_id, stack, status, operation, started_at, finished_at FROM runs
        WHERE stack = ? ORDER BY ordinal DESC LIMIT ?
        """

    static let selectEvents = """
        SELECT seq, run_id, time, kind, address, action, idempotency_key, attempt, status, error_class, message,
            detail
        FROM events WHERE run_id = ? ORDER BY seq
        """

    static let selectLease = """
        SELECT stack, holder, host, pid, acquired_at, expires_at, fencing_token FROM leases WHERE stack = ?
        """

    static func resource(_ row: Row, stack: String, path: String) throws -> RecordedResource {
        let address = (row["address"] as? String) ?? "?"
        let r = StoredRow(row: row, path: path, table: "resources", key: "stack '\(stack)', address '\(address)'")
        return RecordedResource(
            address: try r.text("address"), type: try r.text("type"), id: try r.text("id"),
            properties: try r.map("properties"), outputs: try r.map("outputs"),
            dependencies: try r.strings("dependencies"), idempotencyKey: try r.optionalText("idempotency_key"),
            lifecycle: try r.lifecycle("lifecycle"))
    }

    static func run(_ row: Row, path: String) throws -> RunRecord {
        let id = (row["run_id"] as? String) ?? "?"
        let r = StoredRow(row: row, path: path, table: "runs", key: "run_id '\(id)'")
        return RunRecord(
            runID: try r.text("run_id"), stack: try r.text("stack"),
            status: try r.enumeration("status", RunRecord.Status.self), operation: try r.text("operation"),
            startedAt: try r.date("started_at"), finishedAt: try r.optionalDate("finished_at"))
    }

    static func event(_ row: Row, path: String) throws -> JournalEvent {
        let seq = (row["seq"] as? Int64).map(String.init) ?? "?"
        let r = StoredRow(row: row, path: path, table: "events", key: "seq \(seq)")
        let attempt = try r.optionalInteger("attempt")
        return JournalEvent(
            runID: try r.text("run_id"), time: try r.date("time"),
            kind: try r.enumeration("kind", JournalEvent.Kind.self), address: try r.optionalText("address"),
            action: try r.optionalText("action"), idempotencyKey: try r.optionalText("idempotency_key"),
            attempt: attempt.map { Int($0) }, status: try r.optionalText("status"),
            errorClass: try r.optionalText("error_class"), message: try r.optionalText("message"),
            detail: try r.map("detail"), sequence: try r.integer("seq"))
    }

    static func lease(_ row: Row, path: String) throws -> Lease {
        let stack = (row["stack"] as? String) ?? "?"
        let r = StoredRow(row: row, path: path, table: "leases", key: "stack '\(stack)'")
        return Lease(
            stack: try r.text("stack"), holder: try r.text("holder"), host: try r.text("host"),
            pid: try r.int32("pid"), acquiredAt: try r.date("acquired_at"), expiresAt: try r.date("expires_at"),
            fencingToken: try r.integer("fencing_token"))
    }
}
