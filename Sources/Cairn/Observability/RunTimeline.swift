import Foundation

/// A run as a timeline, rebuilt from its journal alone: every step with its tries, the
/// backoff waits between them, its outcome, its dependency level and, for a failed run, the
/// compensations that undid it. `cairn report` draws it; its statistics are in
/// `RunTimeline+Statistics.swift`.
///
/// The journal records when a step's intent was written and when its outcome was, how long its
/// provider call took, and for each failed try when it failed (from the start of the call) and
/// the backoff delay after it; the tries are drawn from those, measured from the intent's time.
/// The call starts once the intent's commit is durable, so tries appear early by that commit's
/// time (milliseconds), and the space after the last try holds both commits.
public struct RunTimeline: Sendable {
    /// One try of a step's provider call.
    public struct Attempt: Sendable, Hashable {
        /// 1-based.
        public var number: Int
        /// When it started (measured from the step's intent).
        public var start: Date
        /// When it ended.
        public var end: Date
        /// `ok`, `failed` (the step's last try failed) or `retried` (a later try followed).
        public var outcome: String
        /// The error class, when it failed.
        public var errorClass: String?
        /// The error, with sensitive values scrubbed.
        public var message: String?
        /// The backoff wait after this try (zero for the last one).
        public var waitAfter: TimeInterval
        /// The provider throttled this try, so the wait honoured its retry-after.
        public var throttled: Bool { errorClass == ProviderError.Class.throttled.rawValue }
    }

    /// One step of the run (forward or compensation).
    public struct Track: Sendable, Hashable {
        /// The step's address.
        public var address: String
        /// The resource type.
        public var type: String
        /// The step's action (`create`, `update`, `delete`, ...).
        public var action: String
        /// True for a compensation step.
        public var compensation: Bool
        /// Dependency level: 0 for steps that wait for nothing, then one more than the deepest
        /// dependency; deletions come after the creates and updates.
        public var level: Int
        /// When its intent was journaled.
        public var start: Date
        /// When the outcome became durable; nil while in doubt (no outcome journaled).
        public var end: Date?
        /// `ok`, `failed`, `resolved` (found done by asking the provider) or `in_doubt`.
        public var outcome: String
        /// Its tries, in order (empty when none was journaled).
        public var attempts: [Attempt]
        /// Addresses this step waited for.
        public var dependencies: [String]
        /// The error class, when it failed.
        public var errorClass: String?
        /// The error message, scrubbed of secrets.
        public var message: String?

        /// How long the step took, from its intent to its outcome.
        public var duration: TimeInterval { end.map { $0.timeIntervalSince(start) } ?? 0 }
        /// Backoff waited between tries.
        public var waited: TimeInterval { attempts.reduce(0) { $0 + $1.waitAfter } }
    }

    /// A gate between groups of steps (a verified dependency level, a rollout wave).
    public struct Gate: Sendable, Hashable {
        /// When the gate decided.
        public var time: Date
        /// False when it halted the run.
        public var passed: Bool
        /// Why, when the gate said.
        public var reason: String?
    }

    /// The run's id.
    public var runID: String
    /// The stack (from the journaled plan).
    public var stack: String
    /// What started the run (`apply`, `destroy`).
    public var operation: String
    /// The run's final status (`running` when the journal has no `run_finished`).
    public var status: String
    /// When the run started.
    public var started: Date
    /// When the run finished; nil when it did not.
    public var finished: Date?
    /// The plan journaled when the run started, when it decodes.
    public var plan: Plan?
    /// Forward steps in the order they started, then compensations in the order they started.
    public var tracks: [Track]
    /// Gates between groups of steps, in order.
    public var gates: [Gate]

    /// Rebuilds the timeline of one run from its events (in journal order). Sensitive values
    /// in messages are scrubbed by `redactor`, extended with what the run's plan marks sensitive.
    public init(events: [JournalEvent], redactor: Redactor = Redactor()) {
        let start = events.first { $0.kind == .runStarted }
        runID = start?.runID ?? events.first?.runID ?? "-"
        operation = start?.detail["operation"]?.stringValue ?? "apply"
        started = start?.time ?? events.first?.time ?? Date(timeIntervalSince1970: 0)
        let end = events.last { $0.kind == .runFinished }
        status = end?.status ?? "running"
        finished = end?.time
        plan = start?.detail["plan"]?.stringValue.flatMap { try? JSONDecoder().decode(Plan.self, from: Data($0.utf8)) }
        stack = plan?.stack ?? "-"
        let redactor = plan.map(redactor.including) ?? redactor
        let layout = Self.layout(of: plan)
        var open: [String: Int] = [:]
        var retries: [String: [JournalEvent]] = [:]
        var tracks: [Track] = []
        var gates: [Gate] = []
        for e in events {
            let compensation = e.kind == .compensationIntent || e.kind == .compensationOutcome
            let key = (compensation ? "undo " : "") + "\(e.address ?? "") \(e.action ?? "")"
            switch e.kind {
            case .intent, .compensationIntent:
                guard let address = e.address else { continue }
                let info = layout[address]
                open[key] = tracks.count
                retries[key] = []
                tracks.append(
                    Track(
                        address: address, type: info?.type ?? "-", action: e.action ?? "-", compensation: compensation,
                        level: info?.level ?? 0, start: e.time, end: nil, outcome: "in_doubt", attempts: [],
                        dependencies: info?.dependencies ?? []))
            case .attempt:
                retries[key, default: []].append(e)
            case .outcome, .compensationOutcome, .resolved:
                guard let i = open.removeValue(forKey: key) else { continue }
                tracks[i].end = e.time
                tracks[i].outcome = e.kind == .resolved ? (e.status == "ok" ? "resolved" : "in_doubt") : (e.status ?? "ok")
                tracks[i].errorClass = e.errorClass
                tracks[i].message = e.message.map(redactor.scrub)
                tracks[i].attempts = Self.attempts(
                    of: tracks[i], retries: retries[key] ?? [], last: e, redactor: redactor)
            case .gate:
                gates.append(Gate(time: e.time, passed: e.status != "halted", reason: e.detail["reason"]?.stringValue))
            default:
                continue
            }
        }
        self.tracks = tracks
        self.gates = gates
    }

    /// The tries of a finished step: `retries` are its `attempt` events (each with `delay_ms`
    /// and, since it is journaled, `failed_after_ms`), `last` its outcome (with `call_ms`). A
    /// try ends when it failed, measured from the start of the call; journals without those
    /// times share the step's time less its waits evenly among its tries.
    static func attempts(of track: Track, retries: [JournalEvent], last: JournalEvent, redactor: Redactor) -> [Attempt] {
        guard let end = track.end, last.kind != .resolved else { return [] }
        let count = max(last.attempt ?? (retries.count + 1), retries.count + 1)
        let waits = retries.map { seconds($0.detail["delay_ms"]) ?? 0 }
        let failedAfter = retries.map { seconds($0.detail["failed_after_ms"]) }
        let callEnd = seconds(last.detail["call_ms"]).map { min(end, track.start.addingTimeInterval($0)) } ?? end
        let working = max(0, end.timeIntervalSince(track.start) - waits.reduce(0, +))
        let each = working / Double(count)
        var cursor = track.start
        var out: [Attempt] = []
        for n in 1...count {
            let retry = n <= retries.count ? retries[n - 1] : nil
            let wait = n <= waits.count ? waits[n - 1] : 0
            let finish: Date
            if n == count {
                finish = max(cursor, callEnd)
            } else if let after = failedAfter[n - 1] {
                finish = max(cursor, min(callEnd, track.start.addingTimeInterval(after)))
            } else {
                finish = cursor.addingTimeInterval(each)
            }
            out.append(
                Attempt(
                    number: n, start: cursor, end: finish,
                    outcome: retry != nil ? "retried" : (last.status == "ok" ? "ok" : "failed"),
                    errorClass: retry?.errorClass ?? (n == count ? last.errorClass : nil),
                    message: (retry?.message ?? (n == count ? last.message : nil)).map(redactor.scrub), waitAfter: wait))
            cursor = finish.addingTimeInterval(wait)
        }
        return out
    }

    private static func seconds(_ milliseconds: Value?) -> TimeInterval? {
        milliseconds?.intValue.map { TimeInterval($0) / 1000 }
    }

    /// Each planned address's type, dependencies (within the plan) and dependency level.
    static func layout(of plan: Plan?) -> [String: (type: String, dependencies: [String], level: Int)] {
        guard let plan else { return [:] }
        let steps = Step.steps(of: plan)
        var level = [Int](repeating: -1, count: steps.count)
        func depth(_ i: Int, _ seen: Set<Int>) -> Int {
            if level[i] >= 0 { return level[i] }
            let deps = steps[i].dependencies.filter { !seen.contains($0) && steps.indices.contains($0) }
            let d = (deps.map { depth($0, seen.union([i])) }.max() ?? -1) + 1
            level[i] = d
            return d
        }
        for i in steps.indices { _ = depth(i, []) }
        let mainTop = steps.indices.filter { steps[$0].phase == .main }.map { level[$0] }.max() ?? -1
        var out: [String: (type: String, dependencies: [String], level: Int)] = [:]
        for (i, s) in steps.enumerated() {
            let lvl = s.phase == .main ? level[i] : mainTop + 1 + level[i]
            out[s.address] = (s.type, s.dependencies.map { steps[$0].address }, lvl)
        }
        return out
    }
}
