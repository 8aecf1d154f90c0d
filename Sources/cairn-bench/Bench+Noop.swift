import Cairn

extension Bench {
    /// Re-applying an applied stack of `n` wide resources: plan with refresh (every resource
    /// read back through the sim) and without, each finding nothing to do.
    static func noop(_ n: Int, settings: SimBed.Settings) async throws {
        var report = BenchReport(bench: "noop")
        report.count("n", n)
        let bed = try SimBed(label: "noop", settings: settings)
        defer { bed.remove() }
        let stack = SimStacks.wide(n)
        var watch = Stopwatch()
        let first = try await bed.engine.apply(try await bed.engine.plan(stack, refresh: false))
        try expectSucceeded(first)
        report.figure("setup_apply_s", watch.seconds, unit: "s", "first apply, not part of the no-op figures")

        watch = Stopwatch()
        let refreshed = try await bed.engine.plan(stack, refresh: true)
        report.figure("plan_refresh_s", watch.seconds, unit: "s", "state read + \(n) provider reads + plan")
        try expect(!refreshed.hasChanges, "a refreshed plan of the applied stack should change nothing")

        watch = Stopwatch()
        let plain = try await bed.engine.plan(stack, refresh: false)
        report.figure("plan_norefresh_s", watch.seconds, unit: "s", "state read + plan")
        try expect(!plain.hasChanges, "a plan of the applied stack should change nothing")

        // The CLI stops here when the plan has no changes; applying the all-no-op plan anyway
        // shows what the executor costs when every step is unchanged.
        watch = Stopwatch()
        let again = try await bed.engine.apply(plain)
        report.figure("apply_noop_plan_s", watch.seconds, unit: "s", "apply of the all-no-op plan (the CLI skips it)")
        try expectSucceeded(again)
        try expect(again.summary.create + again.summary.update + again.summary.replace == 0, "nothing should have been applied")
        report.peakRSS()
        report.finish()
    }
}
