import Cairn
import Foundation
import GRDB

/// Leases: each change is one immediate write transaction, so two processes sharing the
/// file see each other's lease and cannot both take it.
extension SQLiteStore {
    /// Takes the stack's lease in one transaction, raising its fencing token; throws
    /// ``LeaseConflict`` while another holder's lease is live and may not be taken over.
    public func acquireLease(_ request: LeaseRequest) async throws -> Lease {
        try await write { [path] db in
            if let existing = try Self.lease(request.stack, db, path: path), existing.expiresAt > request.now,
                !request.mayTakeOver(existing)
            {
                throw LeaseConflict(lease: existing)
            }
            let token = try Self.raiseFencingToken(request.stack, db)
            let lease = Lease(
                stack: request.stack, holder: request.holder, host: request.host, pid: request.pid,
                acquiredAt: request.now, expiresAt: request.expiry, fencingToken: token)
            try db.cachedStatement(sql: Self.upsertLease).execute(arguments: [
                lease.stack, lease.holder, lease.host, lease.pid, StoredRow.seconds(lease.acquiredAt),
                StoredRow.seconds(lease.expiresAt), lease.fencingToken,
            ])
            return lease
        }
    }

    /// Moves the lease's expiry to `until`; throws ``FencedOff`` when the lease is no longer ours.
    public func renewLease(_ lease: Lease, until: Date) async throws -> Lease {
        try await write { [path] db in
            guard var existing = try Self.lease(lease.stack, db, path: path),
                existing.fencingToken == lease.fencingToken
            else {
                let current = try Self.stackRow(lease.stack, db, path: path).fencingToken
                throw FencedOff(stack: lease.stack, token: lease.fencingToken, current: current)
            }
            existing.expiresAt = until
            try db.cachedStatement(sql: "UPDATE leases SET expires_at = ? WHERE stack = ?")
                .execute(arguments: [StoredRow.seconds(until), lease.stack])
            return existing
        }
    }

    /// Deletes the lease if it still carries our token; does nothing otherwise.
    public func releaseLease(_ lease: Lease) async throws {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM leases WHERE stack = ? AND fencing_token = ?")
                .execute(arguments: [lease.stack, lease.fencingToken])
        }
    }

    /// The stack's current lease, expired or not, if any.
    public func lease(stack: String) async throws -> Lease? {
        try await read { [path] db in try Self.lease(stack, db, path: path) }
    }

    /// Deletes any lease of the stack and raises its fencing token, fencing the old holder out.
    public func breakLease(stack: String) async throws {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM leases WHERE stack = ?").execute(arguments: [stack])
            _ = try Self.raiseFencingToken(stack, db)
        }
    }

    static func lease(_ stack: String, _ db: Database, path: String) throws -> Lease? {
        try Row.fetchOne(db.cachedStatement(sql: selectLease), arguments: [stack]).map { try lease($0, path: path) }
    }

    /// Adds one to the stack's fencing token (kept in `stacks`, so it outlives any lease) and returns it.
    private static func raiseFencingToken(_ stack: String, _ db: Database) throws -> Int64 {
        let raise = """
            INSERT INTO stacks (name, serial, fencing_token) VALUES (?, 0, 1)
            ON CONFLICT (name) DO UPDATE SET fencing_token = fencing_token + 1
            RETURNING fencing_token
            """
        guard let token = try Int64.fetchOne(db.cachedStatement(sql: raise), arguments: [stack]) else {
            throw DatabaseError(message: "no fencing token returned for stack '\(stack)'")
        }
        return token
    }

    static let upsertLease = """
        INSERT INTO leases (stack, holder, host, pid, acquired_at, expires_at, fencing_token)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (stack) DO UPDATE SET
            holder = excluded.holder, host = excluded.host, pid = excluded.pid, acquired_at = excluded.acquired_at,
            expires_at = excluded.expires_at, fencing_token = excluded.fencing_token
        """
}
