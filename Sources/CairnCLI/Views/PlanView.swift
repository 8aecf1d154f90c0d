import Cairn

/// A plan for people: a colored diff (`+ ~ - -/+`), field by field, and a summary.
struct PlanView {
    let terminal: Terminal

    /// The plan as a diff. `brief` (`--quiet`) lists only what deletes or replaces existing
    /// resources, without fields, then the summary: what a person must see before approving.
    func render(_ plan: Plan, brief: Bool = false) -> String {
        guard plan.hasChanges else {
            return "No changes. The world matches the spec (\(plan.summary.noop) resources, state serial \(plan.serial))."
        }
        var lines: [String] = []
        if brief {
            for change in plan.destructiveChanges {
                lines.append("  " + symbol(change.action) + " " + terminal.bold(change.address) + " " + terminal.dim("(\(change.type))"))
            }
            lines.append(terminal.bold("Plan: ") + summaryText(plan.summary))
            return lines.joined(separator: "\n")
        }
        for change in plan.changes where change.action != .noop {
            lines.append("  " + symbol(change.action) + " " + terminal.bold(change.address) + " " + terminal.dim("(\(change.type))")
                + (change.action == .replace ? terminal.red("  must be replaced") : "")
                + (change.changedOutside == true ? terminal.yellow("  # changed outside Cairn") : "")
                + rolloutNote(change))
            if let cause = change.cause { lines.append("      " + terminal.dim("# because \(cause)")) }
            for field in change.fields {
                lines.append("      " + fieldLine(field, action: change.action))
            }
        }
        lines.append("")
        lines += rolloutLines(plan)
        let irreversible = plan.changes.filter { $0.compensation == .cannotUndo }.count
        if irreversible > 0 {
            lines.append(terminal.dim(
                "Deletions run last, after everything else succeeded; a rollback cannot undo them (\(irreversible))."))
        }
        lines.append(terminal.bold("Plan: ") + summaryText(plan.summary))
        return lines.joined(separator: "\n")
    }

    func summaryText(_ s: Plan.Summary) -> String {
        "\(s.create) to create, \(s.update) to update, \(s.replace) to replace, \(s.delete) to delete, "
            + (s.forget > 0 ? "\(s.forget) to forget, " : "") + "\(s.noop) unchanged."
    }

    private func symbol(_ action: Plan.Action) -> String {
        switch action {
        case .create: terminal.green("+")
        case .update: terminal.yellow("~")
        case .replace: terminal.red("-/+")
        case .delete: terminal.red("-")
        case .noop: " "
        case .forget: terminal.yellow("-")
        }
    }

    private func fieldLine(_ f: Plan.FieldDiff, action: Plan.Action) -> String {
        let after = f.knownAfterApply ? terminal.dim("(known after apply)") : ValueText.render(f.after, sensitive: f.sensitive)
        let before = ValueText.render(f.before, sensitive: f.sensitive)
        let note = (f.forcesReplacement ? terminal.red("  # forces replacement") : "")
            + (f.changedOutside == true ? terminal.yellow("  # changed outside Cairn") : "")
        switch action {
        case .create: return "\(f.path): \(after)"
        case .delete: return terminal.dim("\(f.path): \(before)")
        default:
            if f.before == nil { return "\(f.path): \(after)\(note)" }
            if f.after == nil && !f.knownAfterApply { return "\(f.path): \(before) -> (removed)\(note)" }
            return "\(f.path): \(before) -> \(after)\(note)"
        }
    }
}

/// The JSON contracts of DESIGN.md, in one place.
enum JSONView {
    static func plan(_ plan: Plan) -> Value {
        withRollouts(
            plan,
            .map([
            "stack": .string(plan.stack),
            "serial": .int(Int(plan.serial)),
            "changes": .list(
                plan.changes.filter { $0.action != .noop }.map { c in
                    .map([
                        "address": .string(c.address), "type": .string(c.type), "action": .string(c.action.rawValue),
                        "compensation": .string(c.compensation.rawValue),
                        "changed_outside": .bool(c.changedOutside == true),
                        "fields": .list(
                            c.fields.map { f in
                                var m: [String: Value] = [
                                    "path": .string(f.path),
                                    "before": f.sensitive ? "(sensitive)" : (f.before ?? .null),
                                    "after": f.sensitive ? "(sensitive)" : (f.after ?? .null),
                                ]
                                if f.knownAfterApply { m["known_after_apply"] = true }
                                if f.forcesReplacement { m["forces_replacement"] = true }
                                if f.changedOutside == true { m["changed_outside"] = true }
                                return .map(m)
                            }),
                    ])
                }),
            "summary": summary(plan.summary, noop: true),
        ]))
    }

    static func summary(_ s: Plan.Summary, noop: Bool) -> Value {
        var m: [String: Value] = [
            "create": .int(s.create), "update": .int(s.update), "replace": .int(s.replace), "delete": .int(s.delete),
        ]
        if noop { m["noop"] = .int(s.noop) }
        if s.forget > 0 { m["forget"] = .int(s.forget) }
        return .map(m)
    }

    static func run(_ r: RunResult) -> Value {
        var m: [String: Value] = [
            "run_id": .string(r.runID), "status": .string(r.status.rawValue), "summary": summary(r.summary, noop: false),
            "retries": .int(r.retries), "compensated": .int(r.compensated),
            "duration_ms": .int(Int(r.duration.timeInterval * 1000)), "serial": .int(Int(r.serial)),
        ]
        if !r.failures.isEmpty { m["failures"] = .list(r.failures.map(failure)) }
        if let verify = r.verify { m["verify"] = DriftView.json(verify) }
        if !r.remaining.isEmpty { m["remaining"] = .list(r.remaining.map(failure)) }
        if !r.waves.isEmpty { m["waves"] = .list(r.waves.map(wave)) }
        return .map(m)
    }

    static func failure(_ f: RunResult.Failure) -> Value {
        .map([
            "address": .string(f.address), "id": f.id.map(Value.string) ?? .null, "error_class": .string(f.errorClass),
            "message": .string(f.message),
        ])
    }
}
