import Cairn
import CairnProviders

extension Bench {
    /// Plan time without refresh for `n` wide resources, against an empty state (all creates)
    /// and against a state where all are recorded and match (all no-ops); and the time to load
    /// the same stack from YAML.
    static func plan(_ n: Int) async throws {
        var report = BenchReport(bench: "plan")
        report.count("n", n)
        let registry = ProviderRegistry([SimProvider(world: try SimWorld.inMemory())])
        let planner = Planner(registry: registry)
        let stack = SimStacks.wide(n)

        var watch = Stopwatch()
        let creates = try planner.plan(stack, state: StackState(stack: stack.name))
        report.figure("plan_create_s", watch.seconds, unit: "s", "empty state: \(creates.summary.create) creates")
        try expect(creates.summary.create == n, "the plan against an empty state should create all \(n)")

        let recorded = SimStacks.recordedWide(n)
        watch = Stopwatch()
        let noops = try planner.plan(stack, state: recorded)
        report.figure("plan_noop_s", watch.seconds, unit: "s", "matching state: \(noops.summary.noop) no-ops")
        try expect(noops.summary.noop == n && !noops.hasChanges, "the plan against a matching state should change nothing")

        let yaml = SimStacks.wideYAML(n)
        let limits = SpecLoader.Limits(maxBytes: 1 << 30, maxNodes: 100_000_000)
        let loader = SpecLoader(registry: registry, options: SpecLoader.Options(environment: [:], limits: limits))
        watch = Stopwatch()
        let loaded = try loader.load(text: yaml, fileName: "bench.yaml")
        report.figure(
            "spec_load_s", watch.seconds, unit: "s",
            "\(yaml.utf8.count / 1024) KiB of YAML, \(SpecLoader.Limits().maxNodes) nodes is the default limit")
        try expect(loaded.resources.count == n, "the YAML spec should hold \(n) resources")
        report.peakRSS()
        report.finish()
    }
}
