import Cairn
import Foundation
import GRDB
import Synchronization

/// The embedded state store: one SQLite file (WAL mode, `synchronous=FULL`) holding the
/// stacks' state, runs, journals and leases.
///
/// Every ``commit(_:)`` is one write transaction that is on disk when it returns. Writes are
/// per row (an upsert or delete per changed resource, an insert per event), so the bytes
/// written per step do not grow with the size of a stack. Several processes may share the
/// file: writers wait up to the busy timeout (5 s by default) for each other, and lease
/// changes are transactions, so two processes racing for a stack's lease cannot both win.
///
/// ```swift
/// let store = try SQLiteStore(path: ".cairn/state.db")
/// ```
public final class SQLiteStore: StateStore {
    /// The database file, or `:memory:` for an in-memory store.
    public let path: String
    let writer: any DatabaseWriter
    private let commits = Mutex(0)

    /// Opens the state database at `path`, creating it (and its missing folders) when absent.
    ///
    /// Folders it creates get mode 0700 and the database file (and its `-wal` and `-shm`
    /// companions) 0600, whatever the process's umask: the state may hold secrets.
    /// Throws ``SQLiteStoreError`` when the file cannot be created or opened, is not a Cairn
    /// state database (`notAStateDatabase`), or was written by a newer Cairn (`newerSchema`).
    /// `busyTimeout` is how long a write waits for another process that holds the database.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws {
        self.path = path
        let created = try Self.prepareFiles(path: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.timeInterval)
        configuration.journalMode = .wal
        configuration.label = "cairn.state"
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets synchronous=NORMAL when it turns WAL on; a commit must survive a power
            // loss, so the writer connection is switched to FULL afterwards.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            writer = pool
            if created { try Self.restrictCompanionFiles(of: path) }
            try Self.migrate(writer, path: path)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    private init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
    }

    /// A store in memory, gone when the value is released: for tests and throwaway runs.
    /// Behaves like a file store except that it has no WAL and cannot be shared.
    public static func inMemory() throws -> SQLiteStore {
        var configuration = Configuration()
        configuration.label = "cairn.state.memory"
        do {
            let queue = try DatabaseQueue(configuration: configuration)
            try migrate(queue, path: ":memory:")
            return SQLiteStore(writer: queue, path: ":memory:")
        } catch {
            throw storeError(error, path: ":memory:")
        }
    }

    /// How many commits this instance made (commits of other processes are not counted).
    public var commitCount: Int { commits.withLock { $0 } }

    // MARK: - StateStore

    /// The stack's serial and resources, read from one consistent snapshot.
    public func state(stack: String) async throws -> StackState {
        try await read { [path] db in
            let serial = try Self.stackRow(stack, db, path: path).serial
            var state = StackState(stack: stack, serial: serial)
            let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.selectResources), arguments: [stack])
            while let row = try rows.next() {
                let resource = try Self.resource(row, stack: stack, path: path)
                state.resources[resource.address] = resource
            }
            return state
        }
    }

    /// Makes `batch` durable in one write transaction (fencing check, run row, events, per-row
    /// state changes, serial); nothing is written when it throws ``FencedOff``. Returns the serial.
    @discardableResult
    public func commit(_ batch: JournalBatch) async throws -> Int64 {
        let serial = try await write { [path] db in try Self.commit(batch, db, path: path) }
        commits.withLock { $0 += 1 }
        return serial
    }

    /// Up to `limit` runs of the stack, the most recently started first.
    public func runs(stack: String, limit: Int) async throws -> [RunRecord] {
        guard limit > 0 else { return [] }
        return try await read { [path] db in
            try Row.fetchAll(db.cachedStatement(sql: Self.selectRuns), arguments: [stack, limit]).map {
                try Self.run($0, path: path)
            }
        }
    }

    /// The run's journal in sequence order.
    public func events(runID: String) async throws -> [JournalEvent] {
        try await read { [path] db in
            try Row.fetchAll(db.cachedStatement(sql: Self.selectEvents), arguments: [runID]).map {
                try Self.event($0, path: path)
            }
        }
    }

    // MARK: - Maintenance

    /// Folds the write-ahead log into the database file and truncates the log to zero bytes:
    /// before copying the file for a backup, and for tests that measure the bytes a commit writes.
    public func checkpoint() async throws {
        try await writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// The settings in force on the connection that writes, as SQLite reports them.
    public func connectionSettings() async throws -> ConnectionSettings {
        try await writeWithoutTransaction { db in
            let modes = ["off", "normal", "full", "extra"]
            let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            let sync = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            let busy = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
            return ConnectionSettings(
                journalMode: journal.lowercased(),
                synchronous: modes.indices.contains(sync) ? modes[sync] : String(sync),
                busyTimeout: .milliseconds(busy))
        }
    }

    /// The SQLite settings of the connection that writes.
    public struct ConnectionSettings: Sendable, Hashable {
        /// `wal` for a file store, `memory` for an in-memory one.
        public var journalMode: String
        /// `full` for a file store: a commit is on disk when it returns.
        public var synchronous: String
        /// How long a write waits for another process holding the database.
        public var busyTimeout: Duration
    }

    // MARK: - Access

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.writeWithoutTransaction(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Passes the store's own errors through and explains SQLite's.
    static func storeError(_ error: any Error, path: String) -> any Error {
        guard let db = error as? DatabaseError else { return error }
        let detail = db.message ?? "\(db.resultCode)"
        switch db.resultCode.primaryResultCode {
        case .SQLITE_NOTADB:
            return SQLiteStoreError.notAStateDatabase(path: path, reason: detail)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return SQLiteStoreError(
                .busy, path: path,
                message: "the state database \(path) stayed locked by another process longer than the busy timeout "
                    + "(\(detail)). Try again when the other cairn command has finished.")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
            return SQLiteStoreError(
                .cannotOpen, path: path,
                message: "cannot open or write the state database \(path): \(detail). Check that the path names a "
                    + "file (not a folder) that you may write, in a folder you may write.")
        case .SQLITE_CORRUPT:
            return SQLiteStoreError(
                .database, path: path,
                message: "the state database \(path) is damaged: \(detail). Restore it from a backup.")
        default:
            return SQLiteStoreError(.database, path: path, message: "the state database \(path) failed: \(detail)")
        }
    }
}
