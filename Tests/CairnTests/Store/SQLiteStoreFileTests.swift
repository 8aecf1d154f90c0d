import Cairn
import CairnSQLite
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("SQLiteStore files: permissions, foreign files, damaged rows")
struct SQLiteStoreFileTests {
    private static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
    }

    @Test("new folders are 0700 and the database, -wal and -shm files 0600 even under umask 0")
    func permissions() async throws {
        let folder = try StoreTestFolder()
        let path = folder.path("project/.cairn/state.db")
        let previous = umask(0)
        let store: SQLiteStore
        do {
            defer { umask(previous) }
            store = try SQLiteStore(path: path)
        }
        try await store.commit(JournalBatch(stack: "s", fencingToken: 0, changes: [.remove("x")]))
        #expect(try Self.mode(folder.path("project")) == 0o700)
        #expect(try Self.mode(folder.path("project/.cairn")) == 0o700)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(try Self.mode(file) == 0o600, "\(file)")
        }
    }

    @Test("a file that is not a database is refused with a clear error and left as it was")
    func notADatabase() throws {
        let folder = try StoreTestFolder()
        let path = folder.path("state.db")
        let text = String(repeating: "resources:\n  web: { type: sim.instance }\n", count: 50)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: SQLiteStoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .notAStateDatabase)
        #expect(error?.description.hasPrefix("\(path) is not a Cairn state database: ") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test("an SQLite database of another application is refused, not migrated")
    func foreignDatabase() throws {
        let folder = try StoreTestFolder()
        let path = folder.path("other.db")
        try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY)") }
        let error = #expect(throws: SQLiteStoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .notAStateDatabase)
        #expect(error?.description.contains("another application (tables: customers)") == true)
        let tables = try DatabaseQueue(path: path).read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables == ["customers"])
    }

    @Test("a database migrated by a newer Cairn is refused")
    func newerSchema() throws {
        let folder = try StoreTestFolder()
        let path = folder.path("state.db")
        _ = try SQLiteStore(path: path)
        try DatabaseQueue(path: path).write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        let error = #expect(throws: SQLiteStoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.description.contains("newer version of Cairn") == true)
    }

    /// A damaged column, and the read that must report it.
    struct Damage: Sendable, CustomTestStringConvertible {
        var sql: String
        var read: @Sendable (SQLiteStore) async throws -> Void
        var table: String
        var mentions: [String]
        var testDescription: String { "\(table): \(sql)" }
    }

    static let damages: [Damage] = [
        Damage(
            sql: "UPDATE resources SET properties = '{\"size\": '", read: { _ = try await $0.state(stack: "web") },
            table: "resources", mentions: ["address 'disk'", "'properties'", "not valid JSON"]),
        Damage(
            sql: "UPDATE resources SET dependencies = '[1]'", read: { _ = try await $0.state(stack: "web") },
            table: "resources", mentions: ["'dependencies'", "list of strings"]),
        Damage(
            sql: "UPDATE resources SET id = NULL WHERE 0", read: { _ = try await $0.state(stack: "web") },
            table: "none", mentions: []),
        Damage(
            sql: "UPDATE events SET kind = 'teleported'", read: { _ = try await $0.events(runID: "run-1") },
            table: "events", mentions: ["seq 1", "'kind'", "'teleported'"]),
        Damage(
            sql: "UPDATE runs SET started_at = 'yesterday'", read: { _ = try await $0.runs(stack: "web", limit: 1) },
            table: "runs", mentions: ["run_id 'run-1'", "'started_at'"]),
        Damage(
            sql: "UPDATE leases SET pid = 99999999999", read: { _ = try await $0.lease(stack: "web") },
            table: "leases", mentions: ["stack 'web'", "'pid'", "out of range"]),
        Damage(
            sql: "UPDATE stacks SET serial = 'many'", read: { _ = try await $0.state(stack: "web") },
            table: "stacks", mentions: ["name 'web'", "'serial'"]),
    ]

    @Test("a damaged row is reported with its table, row and column, never a crash", arguments: damages)
    func damagedRow(_ damage: Damage) async throws {
        let folder = try StoreTestFolder()
        let path = folder.path("state.db")
        let store = try SQLiteStore(path: path)
        let lease = try await store.acquireLease(
            LeaseRequest(stack: "web", holder: "alice", host: "h", pid: 1, now: Date(), duration: .seconds(60)) { _ in
                false
            })
        try await store.commit(
            JournalBatch(
                stack: "web", fencingToken: lease.fencingToken,
                run: RunRecord(runID: "run-1", stack: "web", status: .running, operation: "apply", startedAt: Date()),
                events: [JournalEvent(runID: "run-1", time: Date(), kind: .runStarted)],
                changes: [
                    .put(
                        RecordedResource(
                            address: "disk", type: "sim.volume", id: "vol-1", properties: [:], outputs: [:]))
                ]))
        try await DatabaseQueue(path: path).write { try $0.execute(sql: damage.sql) }

        if damage.mentions.isEmpty {
            try await damage.read(store)  // the control row: an untouched database reads fine
            return
        }
        let error = await #expect(throws: SQLiteStoreError.self) { try await damage.read(store) }
        #expect(error?.code == .corruptRow)
        let text = error?.description ?? ""
        #expect(text.contains("table '\(damage.table)'"), "\(text)")
        for mention in damage.mentions {
            #expect(text.contains(mention), "\(text) should mention \(mention)")
        }
    }
}
