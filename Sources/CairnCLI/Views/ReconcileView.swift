import Cairn
import Foundation

/// One summary line per reconcile pass, for `cairn reconcile --watch`.
enum ReconcileView {
    static func line(_ pass: ReconcileLoop.Pass) -> String {
        let stamp = ISO8601DateFormatter().string(from: Date())
        let took = String(format: "%.1fs", pass.duration.timeInterval)
        let next = pass.nextIn.map { String(format: "; next in %.0fs", $0.timeInterval) } ?? ""
        return "pass \(pass.number) \(stamp): \(body(pass)) (\(took))\(next)"
    }

    private static func body(_ pass: ReconcileLoop.Pass) -> String {
        guard let result = pass.result else { return "failed: \(pass.error ?? "unknown error")" }
        let drift = result.drift
        guard drift.hasDrift else { return "in sync, \(drift.checked) resources" }
        let found =
            "drift: \(drift.drifted.count) drifted (\(drift.drifted.filter(\.missing).count) missing), "
            + "\(drift.orphans.count) orphans"
        if result.declined {
            let names = result.plan?.destructiveChanges.map(\.address).joined(separator: ", ") ?? ""
            return "\(found) -> not applied: the corrections delete or replace \(names); run with --auto-approve"
        }
        guard let run = result.run else { return "\(found) -> nothing to apply" }
        let s = run.summary
        var text =
            "\(found) -> run \(run.runID) \(run.status.rawValue): \(s.create) created, \(s.update) updated, "
            + "\(s.replace) replaced, \(s.delete) deleted, \(run.retries) retries"
        if let verify = run.verify {
            text +=
                verify.isClean ? "; verified \(verify.checked)" : "; verify: \(verify.mismatched.count) do not match"
        }
        return text
    }
}
