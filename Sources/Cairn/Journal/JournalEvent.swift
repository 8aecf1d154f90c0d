import Foundation

/// One entry of a run's journal. Events are appended, never changed; their order is the
/// order in which they became durable.
public struct JournalEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Codable {
        case runStarted = "run_started"
        /// A step is about to call its provider; durable before the call starts.
        case intent
        /// A try of a step failed and will be retried.
        case attempt
        /// A step finished: `status` is `ok`, `failed` or `skipped`.
        case outcome
        /// A step found in doubt (intent, no outcome) was resolved by asking the provider.
        case resolved
        case compensationIntent = "compensation_intent"
        case compensationOutcome = "compensation_outcome"
        case runFinished = "run_finished"
        /// A later process took the run up again (`resume` or `rollback`).
        case runResumed = "run_resumed"
        /// A gate between groups of steps decided: `status` is `passed` or `halted`; `detail`
        /// holds the group, the reason and, for a rollout wave, its fleet, number, size and
        /// failure count.
        case gate
    }

    public var runID: String
    /// Position in the stack's journal, assigned by the store when the event is made durable.
    public var sequence: Int64
    public var time: Date
    public var kind: Kind
    public var address: String?
    /// The step's action (`create`, `update`, `replace`, `delete`).
    public var action: String?
    public var idempotencyKey: String?
    public var attempt: Int?
    /// `ok`, `failed`, `skipped` for outcomes; the run status for `run_finished`.
    public var status: String?
    public var errorClass: String?
    public var message: String?
    /// Extra facts: the prior properties of an update, the id created, the retry delay.
    public var detail: [String: Value]

    public init(
        runID: String, time: Date, kind: Kind, address: String? = nil, action: String? = nil,
        idempotencyKey: String? = nil, attempt: Int? = nil, status: String? = nil, errorClass: String? = nil,
        message: String? = nil, detail: [String: Value] = [:], sequence: Int64 = 0
    ) {
        self.runID = runID
        self.sequence = sequence
        self.time = time
        self.kind = kind
        self.address = address
        self.action = action
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
        self.status = status
        self.errorClass = errorClass
        self.message = message
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case sequence, time, kind, address, action
        case idempotencyKey = "idempotency_key"
        case attempt, status
        case errorClass = "error_class"
        case message, detail
    }
}
