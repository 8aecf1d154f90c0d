import Foundation

/// What a run's journal says happened: which steps finished, which are in doubt (an intent
/// with no outcome: the process died during the call, or its answer was lost), what a
/// rollback already undid. Recovery reads this and nothing else.
public struct RunHistory: Sendable {
    public var runID: String
    /// The plan the run was applying, as journaled when it started.
    public var plan: Plan
    /// The operation that started the run (`apply`, `destroy`).
    public var operation: String
    /// Forward steps with a durable `ok` outcome, by ``Step/key``.
    public var succeeded: Set<String> = []
    /// Forward steps with a durable `failed` outcome.
    public var failed: Set<String> = []
    /// Forward steps with an intent and no outcome, with the intent.
    public var inDoubt: [String: JournalEvent] = [:]
    /// Compensations with a durable `ok` outcome.
    public var compensated: Set<String> = []
    /// True when a rollback has started for this run.
    public var rollbackStarted = false

    /// Reads a run's events. Throws when the run's start (and its plan) is not in the journal.
    public init(events: [JournalEvent]) throws {
        guard let start = events.first(where: { $0.kind == .runStarted }),
            case .string(let json)? = start.detail["plan"]
        else {
            throw RecoveryError(.noPlan, "the journal of this run does not hold its plan; it cannot be resumed or rolled back")
        }
        runID = start.runID
        operation = start.detail["operation"]?.stringValue ?? "apply"
        do {
            plan = try JSONDecoder().decode(Plan.self, from: Data(json.utf8))
        } catch {
            throw RecoveryError(.noPlan, "the plan journaled with run \(start.runID) does not decode: \(error)")
        }
        var intents: [String: JournalEvent] = [:]
        for e in events {
            guard let address = e.address, let action = e.action else { continue }
            let key = Step.key(address: address, action: action)
            switch e.kind {
            case .intent: intents[key] = e
            case .outcome, .resolved:
                intents[key] = nil
                if e.status == "ok" { succeeded.insert(key) } else if e.status == "failed" { failed.insert(key) }
            case .compensationIntent:
                rollbackStarted = true
            case .compensationOutcome:
                rollbackStarted = true
                if e.status == "ok" { compensated.insert(key) }
            default: break
            }
        }
        inDoubt = intents
    }
}

/// Why a run cannot be recovered as asked.
public struct RecoveryError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case noPlan, nothingToRecover, rollingBack, wrongStack }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

/// Thrown by `apply` when the stack's last run did not finish: it must be resumed or rolled back first.
public struct UnfinishedRun: Error, Sendable, CustomStringConvertible {
    public var run: RunRecord
    public init(run: RunRecord) { self.run = run }
    public var description: String {
        "run \(run.runID) (\(run.operation), started \(ISO8601DateFormatter().string(from: run.startedAt))) "
            + "did not finish: it is \(run.status == .running ? "interrupted (its process is gone)" : run.status.rawValue). "
            + "Run `cairn resume` to finish it, or `cairn rollback` to undo what it did, before applying again."
    }
}

extension Step {
    /// Identifies a step within a run, across attempts: its address and action.
    public static func key(address: String, action: String) -> String { "\(address) \(action)" }
    public var key: String { Step.key(address: address, action: action.rawValue) }
}
