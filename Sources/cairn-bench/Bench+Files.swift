import Cairn
import CairnProviders
import CairnSQLite
import Foundation

extension Bench {
    /// How many `directory` resources the files workload spreads its files over.
    static let folderCount = 20

    /// `n` local files over 20 folders in a temporary folder: the first converge, a no-op
    /// re-run (plan with refresh; nothing to apply) and a re-run with every tenth file changed.
    static func files(_ n: Int, parallelism: Int) async throws {
        var report = BenchReport(bench: "files")
        report.count("n", n)
        report.count("parallelism", parallelism)
        let directory = try Measure.temporaryDirectory("files")
        defer { Measure.remove(directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent(".cairn/state.db").path)
        let registry = ProviderRegistry(LocalProviders.all(baseDirectory: directory))
        let engine = Engine(configuration: Engine.Configuration(store: store, registry: registry))
        let options = Executor.Options(parallelism: parallelism)

        let first = try await converge(engine, filesStack(n, changedEvery: nil), options: options)
        report.figure("converge_s", first.total, unit: "s", "plan \(format(first.plan)) s + apply \(format(first.apply)) s")
        try expect(first.result?.summary.create == n + folderCount, "the first run should create every folder and file")

        let again = try await converge(engine, filesStack(n, changedEvery: nil), options: options)
        report.figure("noop_rerun_s", again.total, unit: "s", "plan with refresh of \(n + folderCount) resources; nothing to apply")
        try expect(again.result == nil, "a re-run of the converged stack should find nothing to do")

        let changed = try await converge(engine, filesStack(n, changedEvery: 10), options: options)
        report.figure(
            "changed_10pct_s", changed.total, unit: "s", "plan \(format(changed.plan)) s + apply \(format(changed.apply)) s")
        try expect(changed.result?.summary.update == (n + 9) / 10, "every tenth file should be updated")
        let sample = try String(contentsOfFile: directory.appendingPathComponent("d0/f0").path, encoding: .utf8)
        try expect(sample == "file 0 v2\n", "f0 should hold its new content")
        report.peakRSS()
        report.finish()
    }

    /// What one `cairn apply` does: plan with refresh, then apply when there are changes.
    private static func converge(
        _ engine: Engine, _ stack: Stack, options: Executor.Options
    ) async throws -> (plan: Double, apply: Double, total: Double, result: RunResult?) {
        let watch = Stopwatch()
        let plan = try await engine.plan(stack, refresh: true)
        let planned = watch.seconds
        guard plan.hasChanges else { return (planned, 0, planned, nil) }
        let result = try await engine.apply(plan, options: options)
        try expectSucceeded(result)
        let total = watch.seconds
        return (planned, total - planned, total, result)
    }

    /// Folders `d<k>` and files `f<i>` at `${d<i mod 20>.path}/f<i>` holding "file <i>\n"
    /// (or "file <i> v2\n" for every `changedEvery`-th file).
    private static func filesStack(_ n: Int, changedEvery: Int?) -> Stack {
        var resources = (0..<folderCount).map { k in
            Resource(address: "d\(k)", type: DirectoryProvider.type, properties: ["path": .string("d\(k)")])
        }
        for i in 0..<n {
            let changed = changedEvery.map { i % $0 == 0 } ?? false
            resources.append(
                Resource(
                    address: "f\(i)", type: FileProvider.type,
                    properties: [
                        "path": .string("${d\(i % folderCount).path}/f\(i)"),
                        "content": .string(changed ? "file \(i) v2\n" : "file \(i)\n"), "mode": .string("0644"),
                    ]))
        }
        return Stack(name: "files", resources: resources)
    }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }
}
