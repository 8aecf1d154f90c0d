import Foundation

/// What Cairn last recorded of a stack: its resources and a serial that grows with every change.
public struct StackState: Sendable, Hashable {
    public var stack: String
    public var serial: Int64
    public var resources: [String: RecordedResource]

    public init(stack: String, serial: Int64 = 0, resources: [String: RecordedResource] = [:]) {
        self.stack = stack
        self.serial = serial
        self.resources = resources
    }

    /// Applies one change to the in-memory picture (the store does the same durably).
    public mutating func apply(_ change: StateChange) {
        switch change {
        case .put(let r): resources[r.address] = r
        case .remove(let address): resources[address] = nil
        }
    }
}

/// What Cairn recorded of one resource.
public struct RecordedResource: Sendable, Hashable, Codable {
    public var address: String
    public var type: String
    public var id: String
    /// The properties as applied (references resolved).
    public var properties: [String: Value]
    public var outputs: [String: Value]
    /// Addresses this resource depended on when it was applied; deletions run in reverse.
    public var dependencies: [String]
    /// The key of the create that made it.
    public var idempotencyKey: String?
    public var lifecycle: Resource.Lifecycle

    public init(
        address: String, type: String, id: String, properties: [String: Value], outputs: [String: Value],
        dependencies: [String] = [], idempotencyKey: String? = nil, lifecycle: Resource.Lifecycle = .init()
    ) {
        self.address = address
        self.type = type
        self.id = id
        self.properties = properties
        self.outputs = outputs
        self.dependencies = dependencies
        self.idempotencyKey = idempotencyKey
        self.lifecycle = lifecycle
    }

    /// The value of `attribute` for references: outputs first, then properties.
    public func attribute(_ name: String) -> Value? {
        if name == "id" { return .string(id) }
        return outputs[name] ?? properties[name]
    }
}

/// One change to recorded state, made durable together with the journal events that justify it.
public enum StateChange: Sendable, Hashable {
    case put(RecordedResource)
    case remove(String)
}

/// A run as the store lists it.
public struct RunRecord: Sendable, Hashable, Codable {
    /// The status of a run. `running` is what a run whose process died still says until
    /// someone resumes or rolls it back.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case running, succeeded, failed, halted, interrupted
        case rolledBack = "rolled_back"
        case rollbackFailed = "rollback_failed"
    }

    public var runID: String
    public var stack: String
    public var status: Status
    /// `apply`, `destroy`, `resume`, `rollback`.
    public var operation: String
    public var startedAt: Date
    public var finishedAt: Date?

    public init(runID: String, stack: String, status: Status, operation: String, startedAt: Date, finishedAt: Date? = nil) {
        self.runID = runID
        self.stack = stack
        self.status = status
        self.operation = operation
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// Everything that becomes durable in one commit: journal events, state changes and the run row.
public struct JournalBatch: Sendable {
    public var stack: String
    /// The fencing token of the lease under which this batch is written; a store refuses a
    /// batch whose token is older than the stack's current lease.
    public var fencingToken: Int64
    public var run: RunRecord?
    public var events: [JournalEvent]
    public var changes: [StateChange]

    public init(stack: String, fencingToken: Int64, run: RunRecord? = nil, events: [JournalEvent] = [], changes: [StateChange] = []) {
        self.stack = stack
        self.fencingToken = fencingToken
        self.run = run
        self.events = events
        self.changes = changes
    }

    public var isEmpty: Bool { run == nil && events.isEmpty && changes.isEmpty }

    /// Folds another batch of the same stack into this one, keeping order.
    public mutating func merge(_ other: JournalBatch) {
        fencingToken = max(fencingToken, other.fencingToken)
        if let r = other.run { run = r }
        events += other.events
        changes += other.changes
    }
}
