import Cairn

/// Drift and verify reports for people, and their JSON (DESIGN.md "CLI contract": `drift`,
/// and the `verify` section of `apply`).
struct DriftView {
    let terminal: Terminal

    /// The drift report: each drifted resource field by field, orphans, ignored differences.
    func render(_ report: DriftReport) -> String {
        var lines: [String] = []
        for entry in report.drifted { lines += entryLines(entry, declared: "declared") }
        for orphan in report.orphans {
            lines.append(
                "  \(terminal.red("?")) \(terminal.bold(orphan.address)) \(terminal.dim("(\(orphan.type))")) \(orphan.id): "
                    + "tagged with this stack, but the state does not know it (orphan)")
        }
        if !report.ignoredOnly.isEmpty {
            lines.append(terminal.dim("Ignored differences (ignore_drift or server-managed; not counted):"))
            for entry in report.ignoredOnly { lines += entryLines(entry, declared: "declared").map(terminal.dim) }
        }
        if !report.unlistedTypes.isEmpty {
            lines.append(
                terminal.dim(
                    "Orphans of \(report.unlistedTypes.joined(separator: ", ")) cannot be found: their provider cannot list."
                ))
        }
        lines.append(summary(report))
        return lines.joined(separator: "\n")
    }

    /// One line: the counts.
    func summary(_ report: DriftReport) -> String {
        guard report.hasDrift else {
            return terminal.green("No drift.") + " The world matches the spec (\(report.checked) resources in sync)."
        }
        let missing = report.drifted.filter(\.missing).count
        return terminal.bold("Drift: ")
            + "\(report.drifted.count) of \(report.checked) resources drifted (\(missing) missing), "
            + "\(report.orphans.count) orphans, \(report.inSync) in sync."
    }

    /// The verify section after an apply.
    func render(_ report: VerifyReport) -> String {
        let lag = report.rereads > 0 ? " (\(report.rereads) re-reads waited out read-after-write lag)" : ""
        guard !report.isClean else {
            return terminal.green("Verified: ")
                + "\(report.checked) resources checked, all match what was applied\(lag)."
        }
        var lines = [
            terminal.red("Verify failed: ")
                + "\(report.mismatched.count) of \(report.checked) resources do not match what was applied\(lag)"
                + (report.stoppedAtGroup.map { "; the run stopped after dependency level \($0 % Step.levelsPerGroup)" }
                    ?? "")
                + "."
        ]
        for entry in report.mismatched { lines += entryLines(entry, declared: "applied") }
        return lines.joined(separator: "\n")
    }

    /// The apply's delta report after its summary: planned against done, then verify.
    func printDelta(plan: Plan, result: RunResult, quiet: Bool) {
        let planned = plan.changes.filter { $0.action != .noop }.count
        let s = result.summary
        let done = s.create + s.update + s.replace + s.delete + s.forget
        if !quiet || done != planned {
            Terminal.standardOutput(
                "Planned \(planned) changes, done \(done) (\(result.retries) retries, \(result.compensated) compensated)."
            )
        }
        if let verify = result.verify, !quiet || !verify.isClean { Terminal.standardOutput(render(verify)) }
    }

    /// The apply JSON with the plan's counts beside what was done: `"planned": {...}`.
    static func withPlanned(_ run: Value, _ plan: Plan) -> Value {
        guard case .map(var m) = run else { return run }
        let s = plan.summary
        m["planned"] = .map([
            "create": .int(s.create), "update": .int(s.update), "replace": .int(s.replace), "delete": .int(s.delete),
        ])
        return .map(m)
    }

    private func entryLines(_ entry: DriftReport.Entry, declared: String) -> [String] {
        let head =
            "\(terminal.bold(entry.address)) \(terminal.dim("(\(entry.type))"))\(entry.id.map { " \($0)" } ?? "")"
        if entry.missing { return ["  \(terminal.red("!")) \(head): missing from the world"] }
        if entry.stillPresent { return ["  \(terminal.red("!")) \(head): still exists, but was deleted"] }
        var lines = ["  \(terminal.yellow("~")) \(head)"]
        for field in entry.fields {
            let was = ValueText.render(field.declared, sensitive: field.sensitive)
            let now = ValueText.render(field.actual, sensitive: field.sensitive)
            lines.append(
                "      \(field.path): \(was) (\(declared)) -> \(now) (actual)" + (field.ignored ? "  # ignored" : ""))
        }
        return lines
    }

    // MARK: - JSON

    /// `{"stack", "drifted": [...], "in_sync", "checked", "orphans": [...], "ignored": [...]}`.
    static func json(_ report: DriftReport) -> Value {
        .map([
            "stack": .string(report.stack),
            "drifted": .list(report.drifted.map(entry)),
            "in_sync": .int(report.inSync),
            "checked": .int(report.checked),
            "orphans": .list(
                report.orphans.map { o in
                    .map(["address": .string(o.address), "type": .string(o.type), "id": .string(o.id)])
                }),
            "ignored": .list(report.ignoredOnly.map(entry)),
            "unlisted_types": .list(report.unlistedTypes.map(Value.string)),
        ])
    }

    /// `{"checked", "in_sync", "mismatched": [...], "ignored": [...], "rereads", "stopped_at_level"}`.
    static func json(_ report: VerifyReport) -> Value {
        var m: [String: Value] = [
            "checked": .int(report.checked), "in_sync": .int(report.inSync),
            "mismatched": .list(report.mismatched.map(entry)),
            "ignored": .list(report.entries.filter { !$0.isDrifted }.map(entry)),
            "rereads": .int(report.rereads),
        ]
        if let group = report.stoppedAtGroup { m["stopped_at_level"] = .int(group % Step.levelsPerGroup) }
        return .map(m)
    }

    private static func entry(_ e: DriftReport.Entry) -> Value {
        var m: [String: Value] = [
            "address": .string(e.address), "type": .string(e.type), "id": e.id.map(Value.string) ?? .null,
            "missing": .bool(e.missing),
            "fields": .list(
                e.fields.map { f in
                    .map([
                        "path": .string(f.path),
                        "declared": f.sensitive ? "(sensitive)" : (f.declared ?? .null),
                        "actual": f.sensitive ? "(sensitive)" : (f.actual ?? .null),
                        "ignored": .bool(f.ignored),
                    ])
                }),
        ]
        if e.stillPresent { m["still_present"] = true }
        return .map(m)
    }
}
