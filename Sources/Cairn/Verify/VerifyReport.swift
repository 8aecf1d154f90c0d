/// What the verify phase after an apply found: the resources the run touched, re-read from the
/// world and compared with what was applied (and, for deletes, checked gone).
public struct VerifyReport: Sendable, Hashable {
    /// How many resources were checked.
    public var checked: Int
    /// Resources with any difference after the last re-read (counted or ignored only).
    public var entries: [DriftReport.Entry]
    /// Reads repeated because the world did not show a write yet (read-after-write lag).
    public var rereads: Int
    /// The group (dependency level) after which `--verify-each-level` stopped the run.
    public var stoppedAtGroup: Int?

    /// An empty report: nothing checked.
    public init(checked: Int = 0, entries: [DriftReport.Entry] = [], rereads: Int = 0, stoppedAtGroup: Int? = nil) {
        self.checked = checked
        self.entries = entries
        self.rereads = rereads
        self.stoppedAtGroup = stoppedAtGroup
    }

    /// Resources that do not match, after the bounded re-reads.
    public var mismatched: [DriftReport.Entry] { entries.filter(\.isDrifted) }
    /// Checked resources that match (ignored differences aside).
    public var inSync: Int { checked - mismatched.count }
    /// True when every checked resource matches.
    public var isClean: Bool { mismatched.isEmpty }

    /// Adds another report's findings (a later level, the final pass) to this one.
    public mutating func merge(_ other: VerifyReport) {
        checked += other.checked
        entries += other.entries
        rereads += other.rereads
        stoppedAtGroup = stoppedAtGroup ?? other.stoppedAtGroup
    }
}

/// One resource to verify: the record to read it by, and whether it should exist with the
/// recorded properties or be gone.
public struct VerifyTarget: Sendable, Hashable {
    /// What the world should show.
    public enum Expectation: Sendable, Hashable {
        /// The resource exists with the record's properties.
        case present
        /// The resource (the record's id) is gone.
        case absent
    }

    /// The record: its id and properties (what was applied).
    public var record: RecordedResource
    /// Whether it should exist (with those properties) or be gone.
    public var expectation: Expectation

    /// A target for `record`.
    public init(record: RecordedResource, expectation: Expectation) {
        self.record = record
        self.expectation = expectation
    }
}
