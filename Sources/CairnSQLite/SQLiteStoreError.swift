import Cairn

/// An error of the SQLite state store: the file could not be opened, is not a Cairn state
/// database, was written by a newer Cairn, or holds a row that cannot be read back.
///
/// `description` says what went wrong, where (the file, and the table and row for damaged
/// data) and how to fix it. None of these errors is worth retrying blindly, except ``Code/busy``.
public struct SQLiteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file or its folder could not be created or opened.
        case cannotOpen = "cannot_open"
        /// The file is not an SQLite database, or is one that another application owns.
        case notAStateDatabase = "not_a_state_database"
        /// The database was written by a newer version of Cairn, with a schema this one does not know.
        case newerSchema = "newer_schema"
        /// A row could not be decoded: the named table holds data Cairn did not write.
        case corruptRow = "corrupt_row"
        /// Another process kept the database locked for longer than the busy timeout.
        case busy
        /// SQLite reported any other failure (disk full, I/O error, damaged file).
        case database
    }

    /// What kind of failure this is.
    public var code: Code
    /// The database file, or `:memory:` for an in-memory store.
    public var path: String
    /// The full explanation shown to users.
    public var message: String

    /// Creates an error; `message` is the whole sentence users see.
    public init(_ code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// How the retry loop must treat this error: only a busy database is worth another try.
    public var errorClass: ProviderError.Class { code == .busy ? .transient : .permanent }

    /// The message shown to users.
    public var description: String { message }

    static func notAStateDatabase(path: String, reason: String) -> SQLiteStoreError {
        SQLiteStoreError(
            .notAStateDatabase, path: path,
            message: "\(path) is not a Cairn state database: \(reason). Point --store (or CAIRN_STORE) at another "
                + "path, or move this file out of the way.")
    }

    static func corruptRow(path: String, table: String, row: String, column: String, problem: String)
        -> SQLiteStoreError
    {
        SQLiteStoreError(
            .corruptRow, path: path,
            message: "the state database \(path) holds a damaged row in table '\(table)' (\(row)): column '\(column)' "
                + "\(problem). Restore the file from a backup, or remove that row with sqlite3 and run "
                + "`cairn drift` to see what the world really holds.")
    }
}
