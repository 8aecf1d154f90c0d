import Cairn
import Foundation

/// A run's journal for a person: what was intended, what happened, what was tried next,
/// which compensation started, in order, with timestamps. Sensitive values are hidden.
struct LogView {
    let terminal: Terminal
    let verbose: Bool

    /// The lines for `events` (one run's journal, already redacted).
    func render(_ events: [JournalEvent], timeline: RunTimeline) -> [String] {
        var lines: [String] = []
        let when = events.first.map { Self.day($0.time) } ?? ""
        var head = "Run \(timeline.runID) of stack '\(timeline.stack)': \(timeline.operation), started \(when) UTC"
        if timeline.finished != nil {
            head += ", \(timeline.status) after \(Self.seconds(timeline.duration))"
        } else {
            head += ", not finished"
        }
        lines.append(terminal.bold(head))
        var compensationAnnounced = false
        var types: [String: String] = [:]
        for t in timeline.tracks { types[t.address] = t.type }
        for e in events {
            let stamp = terminal.dim(Self.time(e.time))
            let subject = e.address.map { terminal.bold($0) } ?? ""
            let action = e.action ?? ""
            switch e.kind {
            case .runStarted:
                let s = timeline.plan?.summary
                let counts = s.map { "\($0.create) to create, \($0.update) to update, \($0.replace) to replace, \($0.delete) to delete" }
                lines.append("\(stamp) ▶ run started: \(e.detail["operation"]?.stringValue ?? "apply")\(counts.map { " (\($0))" } ?? "")")
            case .runResumed:
                let purpose = e.detail["for"]?.stringValue.map { " to \($0)" } ?? ""
                lines.append("\(stamp) ▶ run taken up again\(purpose) by a later process")
            case .intent:
                let what = types[e.address ?? ""].map { " \($0)" } ?? ""
                lines.append("\(stamp) → \(subject): intends to \(action)\(what)\(properties(e))")
            case .attempt:
                let delay = e.detail["delay_ms"]?.intValue.map { "; retrying in \($0)ms" } ?? ""
                lines.append(
                    "\(stamp) \(terminal.yellow("↻")) \(subject): attempt \(e.attempt ?? 0) failed (\(errorText(e)))\(delay)")
            case .outcome:
                lines.append(outcome(e, stamp: stamp, subject: subject, compensation: false))
            case .resolved:
                let found = e.status == "ok" ? "found done by asking the provider" : "found not applied; it runs again"
                lines.append("\(stamp) ? \(subject): was in doubt (\(action)); \(found)")
            case .compensationIntent:
                if !compensationAnnounced {
                    compensationAnnounced = true
                    lines.append("\(stamp) \(terminal.yellow("↶ rollback started: undoing what the run completed, dependents first"))")
                }
                let how = action == "delete" ? "delete it" : "restore its prior properties"
                lines.append("\(stamp) \(terminal.yellow("↶")) \(subject): compensation starts: \(how)\(properties(e))")
            case .compensationOutcome:
                lines.append(outcome(e, stamp: stamp, subject: subject, compensation: true))
            case .gate:
                let verdict = e.status == "halted" ? terminal.red("halted the run") : terminal.green("passed")
                let reason = e.detail["reason"]?.stringValue.map { ": \($0)" } ?? ""
                lines.append("\(stamp) ◆ gate after group \(e.detail["group"]?.intValue ?? 0) \(verdict)\(reason)")
            case .runFinished:
                let retries = e.detail["retries"]?.intValue.map { ", \($0) retries" } ?? ""
                let status = e.status ?? "-"
                let shown = status == "succeeded" ? terminal.green(status) : terminal.red(status)
                lines.append("\(stamp) ■ run finished: \(shown)\(retries)")
            }
        }
        return lines
    }

    private func outcome(_ e: JournalEvent, stamp: String, subject: String, compensation: Bool) -> String {
        let tries = (e.attempt ?? 1) > 1 ? " after \(e.attempt!) attempts" : ""
        let what = compensation ? "undone" : Self.past(e.action ?? "")
        if e.status == "ok" {
            let id = e.detail["id"]?.stringValue.map { " " + terminal.dim("id=\($0)") } ?? ""
            return "\(stamp) \(terminal.green("✓")) \(subject): \(what)\(tries)\(id)"
        }
        let reason = e.detail["reason"]?.stringValue.map { " [\($0)]" } ?? ""
        let verb = compensation ? "compensation failed" : "\(e.action ?? "step") failed"
        return "\(stamp) \(terminal.red("✗")) \(subject): \(verb)\(tries): \(errorText(e))\(reason)"
    }

    private func errorText(_ e: JournalEvent) -> String {
        [e.errorClass, e.message].compactMap { $0 }.joined(separator: ": ")
    }

    private func properties(_ e: JournalEvent) -> String {
        guard case .map(let m)? = e.detail["properties"], !m.isEmpty else { return "" }
        let text = m.keys.sorted().map { "\($0)=\(ValueText.render(m[$0]))" }.joined(separator: " ")
        let limit = 140
        let shown = verbose || text.count <= limit ? text : String(text.prefix(limit)) + "…"
        return " " + terminal.dim("{\(shown)}")
    }

    static func past(_ action: String) -> String {
        switch action {
        case "create": "created"
        case "update": "updated"
        case "replace": "replaced (new one created)"
        case "delete": "deleted"
        default: action
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true).time(includingFractionalSeconds: true))
    }

    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false))
    }

    static func seconds(_ t: TimeInterval) -> String { String(format: "%.2fs", t) }
}
