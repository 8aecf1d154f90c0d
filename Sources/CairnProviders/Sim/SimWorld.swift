import Cairn
import Foundation
import GRDB

/// The simulated cloud's world: every `sim.*` resource that exists, persisted apart from
/// Cairn's own state so that what Cairn believes can be compared with what is there.
///
/// The world is a small SQLite database (WAL, `synchronous=NORMAL`: it is a simulation, not a
/// journal). Ids are `prefix-` plus 8 hex digits derived from the order of creation, so the same
/// sequence of creates gives the same ids. References between resources are kept in an indexed
/// side table, so that checking a parent or a delete costs an index lookup.
///
/// The CLI uses ``inventory()``, ``edit(id:set:)`` and ``remove(id:)``; ``SimProvider`` uses the
/// rest. All methods are synchronous and safe to call from any thread.
public final class SimWorld: Sendable {
    let queue: DatabaseQueue
    /// The database file, or nil for an in-memory world.
    public let path: String?

    /// Opens (or creates) the world stored at `path`, such as `.cairn/sim.db`.
    ///
    /// Missing parent folders are created with mode 0700 and a new file with mode 0600, whatever
    /// the umask. Throws ``SimWorldError`` when the file cannot be created or opened.
    public convenience init(path: String) throws {
        do {
            try Self.prepareFile(at: path)
            var configuration = Self.configuration
            configuration.journalMode = .wal
            try self.init(queue: DatabaseQueue(path: path, configuration: configuration), path: path)
        } catch let error as SimWorldError {
            throw error
        } catch {
            throw SimWorldError("cannot open the simulated world at \(path): \(error)")
        }
    }

    /// A world that lives only as long as this value: for tests and dry runs.
    public static func inMemory() throws -> SimWorld {
        try SimWorld(queue: DatabaseQueue(configuration: configuration), path: nil)
    }

    private init(queue: DatabaseQueue, path: String?) throws {
        self.queue = queue
        self.path = path
        try Self.migrator.migrate(queue)
    }

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "cairn.sim"
        configuration.prepareDatabase { db in
            // A simulation, not a journal: no fsync per commit, few checkpoints, a warm cache.
            try db.execute(
                sql: """
                    PRAGMA synchronous = NORMAL;
                    PRAGMA wal_autocheckpoint = 8000;
                    PRAGMA journal_size_limit = 8388608;
                    PRAGMA cache_size = -32768;
                    PRAGMA temp_store = MEMORY;
                    """
            )
        }
        return configuration
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE resource (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        key_digest TEXT NOT NULL DEFAULT '',
                        tags TEXT NOT NULL,
                        properties TEXT NOT NULL,
                        outputs TEXT NOT NULL
                    );
                    CREATE TABLE reference (
                        child_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        parent_id TEXT NOT NULL,
                        child_type TEXT NOT NULL,
                        PRIMARY KEY (child_id, field, parent_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX reference_parent ON reference(parent_id);
                    """
            )
        }
        return migrator
    }

    // MARK: - Queries

    /// Every resource in the world, in the order they were created.
    public func inventory() throws -> [SimResource] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM resource ORDER BY seq").map(Self.decode)
        }
    }

    /// The resource with this id, or nil.
    public func resource(id: String) throws -> SimResource? {
        try queue.read { db in try Self.fetch(db, id: id) }
    }

    /// The resource that a create with this idempotency token made, or nil.
    public func resource(idempotencyKey token: String) throws -> SimResource? {
        try queue.read { db in try Self.fetch(db, key: token) }
    }

    /// How many resources exist, of one type or of all.
    public func count(type: String? = nil) throws -> Int {
        try queue.read { db in
            if let type {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resource WHERE type = ?", arguments: [type]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM resource") ?? 0
        }
    }

    // MARK: - Behind Cairn's back

    /// Changes properties of a resource directly, as someone with a console would: no schema
    /// check, no fault, no idempotency key. A `null` value removes the property.
    ///
    /// References named by the new properties are recorded (not checked), and derived outputs
    /// (`fqdn`, `url`) follow. Throws ``SimWorldError`` when no resource has this id.
    @discardableResult
    public func edit(id: String, set changes: [String: Value]) throws -> SimResource {
        try queue.write { db in
            guard var resource = try Self.fetch(db, id: id) else { throw SimWorldError.noResource(id) }
            for (name, value) in changes {
                if value == .null {
                    resource.properties.removeValue(forKey: name)
                } else {
                    resource.properties[name] = value
                }
            }
            if let type = SimType(rawValue: resource.type) {
                resource.outputs = Self.refreshedOutputs(type, resource.outputs, properties: resource.properties)
                try Self.replaceReferences(db, of: resource.id, type: type, properties: resource.properties)
            }
            try Self.write(db, properties: resource.properties, outputs: resource.outputs, of: id)
            return resource
        }
    }

    /// Removes a resource directly, whatever refers to it (a console's "force delete").
    ///
    /// Throws ``SimWorldError`` when no resource has this id.
    public func remove(id: String) throws {
        try queue.write { db in
            guard try Self.fetch(db, id: id) != nil else { throw SimWorldError.noResource(id) }
            try db.cachedStatement(sql: "DELETE FROM resource WHERE id = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM reference WHERE child_id = ?").execute(arguments: [id])
        }
    }

    // MARK: - Rows

    static let columns = "seq, id, type, idempotency_key, key_digest, tags, properties, outputs"

    static func fetch(_ db: Database, id: String) throws -> SimResource? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM resource WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id]).map(decode)
    }

    static func fetch(_ db: Database, key: String) throws -> SimResource? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM resource WHERE idempotency_key = ?")
        return try Row.fetchOne(statement, arguments: [key]).map(decode)
    }

    static func write(_ db: Database, properties: [String: Value], outputs: [String: Value], of id: String) throws {
        try db.cachedStatement(sql: "UPDATE resource SET properties = ?, outputs = ? WHERE id = ?")
            .execute(arguments: [Value.map(properties).canonicalJSON, Value.map(outputs).canonicalJSON, id])
    }

    static func decode(_ row: Row) throws -> SimResource {
        // By position, in the order of `columns`: faster than by name.
        let tags = try decodeMap(row[5]).compactMapValues(\.stringValue)
        return SimResource(
            id: row[1], type: row[2], idempotencyKey: row[3], keyDigest: row[4], tags: tags,
            properties: try decodeMap(row[6]), outputs: try decodeMap(row[7]), sequence: row[0]
        )
    }

    private static func decodeMap(_ json: String) throws -> [String: Value] {
        guard let map = try? Value.parseJSON(json).mapValue else {
            throw SimWorldError("the simulated world holds a malformed record: \(json)")
        }
        return map
    }
}

/// A problem opening or editing the simulated world, said so that a person can act on it.
public struct SimWorldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong and, where it helps, what to do.
    public var message: String

    /// Makes an error with this message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }

    static func noResource(_ id: String) -> SimWorldError {
        SimWorldError("no simulated resource has the id '\(id)'; `cairn sim inventory` lists them")
    }
}
