import Cairn
import Foundation
import Synchronization

/// Live progress while a run applies: each step's action, attempt and elapsed time, one line
/// per event (steps run in parallel, so lines interleave in the order things happen).
final class ProgressView: RunObserver {
    private let terminal: Terminal
    private let quiet: Bool
    private let retries = Mutex(0)

    init(terminal: Terminal, quiet: Bool) {
        self.terminal = terminal
        self.quiet = quiet
    }

    private func verb(_ step: Step, compensation: Bool) -> String {
        if compensation { return step.action == .delete ? "undoing (delete)" : "undoing (restore)" }
        switch step.action {
        case .create: return "creating"
        case .update: return "updating"
        case .replace: return "replacing"
        case .delete: return step.address.hasSuffix(Step.deposedSuffix) ? "deleting old" : "deleting"
        case .noop: return "checking"
        case .forget: return "forgetting (it stays in the world)"
        }
    }

    func stepStarted(_ step: Step, compensation: Bool) {
        guard !quiet else { return }
        Terminal.standardOutput("  \(terminal.cyan("…")) \(step.address): \(verb(step, compensation: compensation))")
    }

    func stepRetrying(_ step: Step, event: RetryEvent, compensation: Bool) {
        retries.withLock { $0 += 1 }
        guard !quiet else { return }
        let ms = Int(event.delay.timeInterval * 1000)
        Terminal.standardOutput(
            "  \(terminal.yellow("↻")) \(step.address): attempt \(event.attempt) failed (\(event.error)); retrying in \(ms)ms")
    }

    func gateDecided(group: Int, decision: GateDecision) {
        guard let reason = decision.reason, !quiet || !decision.pass else { return }
        Terminal.standardOutput("  \(decision.pass ? terminal.cyan("▸") : terminal.red("■")) \(reason)")
    }

    func stepFinished(_ step: Step, outcome: StepOutcome, compensation: Bool) {
        guard !quiet || outcome.status == .failed else { return }
        let ms = Int(outcome.duration.timeInterval * 1000)
        let tries = outcome.attempts > 1 ? ", \(outcome.attempts) attempts" : ""
        switch outcome.status {
        case .ok:
            let id = outcome.id.map { " \(terminal.dim("id=" + $0))" } ?? ""
            Terminal.standardOutput("  \(terminal.green("✓")) \(step.address): \(compensation ? "undone" : "done") in \(ms)ms\(tries)\(id)")
        case .unchanged:
            Terminal.standardOutput("  \(terminal.green("✓")) \(step.address): already as declared, nothing to do")
        case .failed:
            Terminal.standardOutput(
                "  \(terminal.red("✗")) \(step.address): failed after \(ms)ms\(tries): \(outcome.error.map { "\($0)" } ?? "unknown error")")
        case .skipped:
            Terminal.standardOutput("  \(terminal.dim("-")) \(step.address): skipped")
        }
    }

    func summary(_ r: RunResult, title: String) -> String {
        let s = r.summary
        let counts = "\(s.create) created, \(s.update) updated, \(s.replace) replaced, \(s.delete) deleted"
        let seconds = String(format: "%.2fs", r.duration.timeInterval)
        var lines: [String] = []
        let head: String
        switch r.status {
        case .succeeded: head = terminal.green("\(title) succeeded")
        case .rolledBack: head = terminal.yellow("\(title) failed and was rolled back")
        case .rollbackFailed: head = terminal.red("\(title) failed and its rollback could not finish")
        case .halted: head = terminal.red("\(title) failed and halted")
        default: head = terminal.red("\(title) \(r.status.rawValue)")
        }
        lines.append("\(head) in \(seconds): \(counts); \(r.retries) retries; \(r.compensated) compensated. Run \(r.runID).")
        for f in r.failures { lines.append("  \(terminal.red("✗")) \(f.address): \(f.message)") }
        if !r.notRun.isEmpty {
            // A fleet can leave thousands unrun: name the first ones and count the rest.
            let more = r.notRun.count > 20 ? ", and \(r.notRun.count - 20) more" : ""
            lines.append("  not run: " + r.notRun.prefix(20).joined(separator: ", ") + more)
        }
        for w in r.waves {
            lines.append(
                "  wave \(w.wave) of \(w.fleet): \(w.status.rawValue.replacingOccurrences(of: "_", with: " ")), "
                    + "\(w.succeeded) of \(w.members) done, \(w.failed) failed (\(w.allowedFailures) allowed)")
        }
        for f in r.remaining {
            lines.append("  still exists: \(f.address)\(f.id.map { " (\($0))" } ?? ""): \(f.message)")
        }
        return lines.joined(separator: "\n")
    }
}
