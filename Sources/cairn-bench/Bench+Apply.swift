import Cairn

extension Bench {
    /// Applies `n` independent resources on a zero-latency sim (by default with the durable journal).
    static func applyWide(_ n: Int, parallelism: Int, settings: SimBed.Settings) async throws {
        var report = BenchReport(bench: "apply-wide")
        try await applyMeasured(SimStacks.wide(n), steps: n, parallelism: parallelism, settings: settings, report: &report)
    }

    /// Applies a chain of `n` resources, each waiting for the one before it.
    static func applyChain(_ n: Int, parallelism: Int, settings: SimBed.Settings) async throws {
        var report = BenchReport(bench: "apply-chain")
        try await applyMeasured(SimStacks.chain(n), steps: n, parallelism: parallelism, settings: settings, report: &report)
    }

    /// Plans and applies `stack` in a fresh workspace, reporting throughput, commits and bytes per step.
    private static func applyMeasured(
        _ stack: Stack, steps: Int, parallelism: Int, settings: SimBed.Settings, report: inout BenchReport
    ) async throws {
        report.count("n", steps)
        report.count("parallelism", parallelism)
        report.label("journal", settings.journal.rawValue)
        report.label("world", settings.world.rawValue)
        report.label("step_timeouts", settings.stepTimeouts ? "on" : "off")
        let bed = try SimBed(label: "apply", settings: settings)
        defer { bed.remove() }
        var watch = Stopwatch()
        let plan = try await bed.engine.plan(stack, refresh: false)
        report.figure("plan_s", watch.seconds, unit: "s")
        try expect(plan.summary.create == steps, "the plan should create \(steps) resources")

        let bytesBefore = try await bed.journalBytes()
        let commitsBefore = bed.commitCount
        watch = Stopwatch()
        let result = try await bed.engine.apply(plan, options: Executor.Options(parallelism: parallelism))
        let seconds = watch.seconds
        try expectSucceeded(result)
        try expect(result.summary.create == steps, "the run should create \(steps) resources")
        let commits = bed.commitCount - commitsBefore
        let bytesAfter = try await bed.journalBytes()

        report.figure("apply_s", seconds, unit: "s")
        report.figure("steps_per_s", Double(steps) / seconds, unit: "steps/s")
        report.count("commits", commits)
        report.figure("commits_per_step", Double(commits) / Double(steps), unit: "commits/step")
        report.figure("commits_per_s", Double(commits) / seconds, unit: "commits/s")
        if let bytesBefore, let bytesAfter {
            report.figure(
                "journal_bytes_per_step", Double(bytesAfter - bytesBefore) / Double(steps), unit: "B/step",
                "state db growth, measured after a checkpoint")
        }
        report.count("world_resources", try bed.world.count())
        report.peakRSS()
        report.finish()
    }
}
