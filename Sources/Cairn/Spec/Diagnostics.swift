/// One problem found in user input: what (summary), why and how to fix it (detail), and where.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How bad a problem is: errors stop the command, warnings are printed and ignored.
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity
    public var summary: String
    public var detail: String
    public var address: String?
    public var location: SourceLocation?

    public init(
        _ severity: Severity = .error, _ summary: String, detail: String = "", address: String? = nil,
        at location: SourceLocation? = nil
    ) {
        self.severity = severity
        self.summary = summary
        self.detail = detail
        self.address = address
        self.location = location
    }

    /// `file:line:col: summary. detail` — safe to show a user.
    public var description: String {
        var s = ""
        if let location { s += "\(location): " }
        if severity == .warning { s += "warning: " }
        s += summary
        if !detail.isEmpty { s += ". " + detail }
        return s
    }
}

/// A list of problems collected while reading input; thrown as a whole when it holds an error.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic] = []) { self.items = items }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    public mutating func error(
        _ summary: String, detail: String = "", address: String? = nil, at location: SourceLocation? = nil
    ) {
        items.append(Diagnostic(.error, summary, detail: detail, address: address, at: location))
    }

    public mutating func append(contentsOf other: Diagnostics) { items += other.items }

    /// Throws `self` when any item is an error.
    public func throwIfErrors() throws {
        if hasErrors { throw self }
    }

    public var description: String { items.map(\.description).joined(separator: "\n") }
}
