import Cairn
import Foundation
import GRDB

/// One fetched row, read column by column with errors that name the table and the row.
///
/// GRDB's plain subscripts stop the process on a type mismatch; this reads every column as a
/// `DatabaseValue` first, so a damaged row becomes a ``SQLiteStoreError/Code/corruptRow``
/// error instead of a crash.
struct StoredRow {
    let row: Row
    let path: String
    let table: String
    /// Names the row in errors, e.g. `stack 'web', address 'vm'`.
    let key: String

    private func failure(_ column: String, _ problem: String) -> SQLiteStoreError {
        .corruptRow(path: path, table: table, row: key, column: column, problem: problem)
    }

    private func value(_ column: String) throws -> DatabaseValue {
        do {
            return try row.decode(DatabaseValue.self, forColumn: column)
        } catch {
            throw failure(column, "is missing")
        }
    }

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw failure(column, "is empty (NULL)") }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        let v = try value(column)
        if v.isNull { return nil }
        guard let text = String.fromDatabaseValue(v) else { throw failure(column, "should hold text but holds \(v)") }
        return text
    }

    func integer(_ column: String) throws -> Int64 {
        guard let int = try optionalInteger(column) else { throw failure(column, "is empty (NULL)") }
        return int
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        let v = try value(column)
        if v.isNull { return nil }
        guard let int = Int64.fromDatabaseValue(v) else {
            throw failure(column, "should hold an integer but holds \(v)")
        }
        return int
    }

    func int32(_ column: String) throws -> Int32 {
        let int = try integer(column)
        guard let small = Int32(exactly: int) else { throw failure(column, "holds \(int), out of range") }
        return small
    }

    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else { throw failure(column, "is empty (NULL)") }
        return date
    }

    func optionalDate(_ column: String) throws -> Date? {
        let v = try value(column)
        if v.isNull { return nil }
        guard let seconds = Double.fromDatabaseValue(v), seconds.isFinite else {
            throw failure(column, "should hold a time (seconds) but holds \(v)")
        }
        return StoredRow.date(seconds)
    }

    func json(_ column: String) throws -> Value {
        let text = try text(column)
        do {
            return try Value.parseJSON(text)
        } catch {
            throw failure(column, "\(error)")
        }
    }

    func map(_ column: String) throws -> [String: Value] {
        guard case .map(let map) = try json(column) else { throw failure(column, "should hold a JSON object") }
        return map
    }

    func strings(_ column: String) throws -> [String] {
        guard case .list(let list) = try json(column) else { throw failure(column, "should hold a JSON list") }
        return try list.map {
            guard case .string(let s) = $0 else { throw failure(column, "should hold a list of strings") }
            return s
        }
    }

    func enumeration<E: RawRepresentable<String>>(_ column: String, _ type: E.Type) throws -> E {
        let raw = try text(column)
        guard let value = E(rawValue: raw) else { throw failure(column, "holds the unknown value '\(raw)'") }
        return value
    }

    func lifecycle(_ column: String) throws -> Resource.Lifecycle {
        let map = try map(column)
        var lifecycle = Resource.Lifecycle()
        if let v = map["prevent_destroy"] {
            guard let b = v.boolValue else { throw failure(column, "has a non-boolean prevent_destroy") }
            lifecycle.preventDestroy = b
        }
        if let v = map["compensate"] {
            guard let b = v.boolValue else { throw failure(column, "has a non-boolean compensate") }
            lifecycle.compensate = b
        }
        return lifecycle
    }
}

extension StoredRow {
    /// Times are stored as seconds since Foundation's reference date (2001-01-01T00:00:00Z), a
    /// REAL that gives back exactly the `Date` that was written.
    static func seconds(_ date: Date) -> Double { date.timeIntervalSinceReferenceDate }

    /// The date of a stored time.
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSinceReferenceDate: seconds) }

    /// The stored form of a lifecycle: a JSON object with snake_case keys.
    static func json(_ lifecycle: Resource.Lifecycle) -> String {
        Value.map(["prevent_destroy": .bool(lifecycle.preventDestroy), "compensate": .bool(lifecycle.compensate)])
            .canonicalJSON
    }
}
