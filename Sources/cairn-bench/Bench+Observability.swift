import Cairn
import Foundation
import InMemoryTracing
import Logging
import Prometheus
import Synchronization
import Tracing

extension Bench {
    /// The cost of watching a run: applies `n` independent resources (zero latency, durable
    /// journal) bare and with JSON log records written to a file (level info, as `--log-file`
    /// does), Prometheus metrics and a recording tracer, in pairs (bare first, then watched;
    /// `CAIRN_BENCH_ROUNDS` pairs, 7 by default), and reports the medians of each and of the
    /// pairs' overheads (pairing cancels most of the drift of a shared machine).
    static func observability(_ n: Int, parallelism: Int, settings: SimBed.Settings) async throws {
        let rounds = max(1, Int(ProcessInfo.processInfo.environment["CAIRN_BENCH_ROUNDS"] ?? "") ?? 7)
        var report = BenchReport(bench: "observability")
        report.count("n", n)
        report.count("parallelism", parallelism)
        report.count("pairs", rounds)
        var bare: [Double] = []
        var observed: [Double] = []
        var bareCPU: [Double] = []
        var observedCPU: [Double] = []
        var records = 0
        var spans = 0
        for _ in 0..<rounds {
            let plain = try await timedApply(n, parallelism: parallelism, settings: settings, observed: false)
            bare.append(plain.seconds)
            bareCPU.append(plain.cpu)
            let run = try await timedApply(n, parallelism: parallelism, settings: settings, observed: true)
            observed.append(run.seconds)
            observedCPU.append(run.cpu)
            records = run.records
            spans = run.spans
        }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        let overheads = zip(observed, bare).map { ($0 / $1 - 1) * 100 }
        let cpuOverheads = zip(observedCPU, bareCPU).map { ($0 / $1 - 1) * 100 }
        report.figure("bare_apply_s", median(bare), unit: "s", "median")
        report.figure("observed_apply_s", median(observed), unit: "s", "median: JSON logs to a file, Prometheus, tracer")
        report.figure("overhead_pct", median(overheads), unit: "%", "wall time, median of the pairs")
        report.figure("overhead_min_pct", overheads.min() ?? 0, unit: "%")
        report.figure("overhead_max_pct", overheads.max() ?? 0, unit: "%")
        report.figure("bare_cpu_s", median(bareCPU), unit: "s", "user + system CPU of the apply, median")
        report.figure("observed_cpu_s", median(observedCPU), unit: "s")
        report.figure("cpu_overhead_pct", median(cpuOverheads), unit: "%", "median of the pairs")
        report.count("log_records", records)
        report.count("spans", spans)
        report.finish()
    }

    private static func timedApply(
        _ n: Int, parallelism: Int, settings: SimBed.Settings, observed: Bool
    ) async throws -> (seconds: Double, cpu: Double, records: Int, spans: Int) {
        let bed = try SimBed(label: "observability", settings: settings)
        defer { bed.remove() }
        var configuration = bed.engine.configuration
        let sink = try LineFile(bed.directory.appendingPathComponent("run.jsonl"))
        let tracer = InMemoryTracer()
        if observed {
            // CAIRN_BENCH_OBSERVE=logs,metrics,traces (the default: all three) picks the observers.
            let parts = (ProcessInfo.processInfo.environment["CAIRN_BENCH_OBSERVE"] ?? "logs,metrics,traces")
                .split(separator: ",").map(String.init)
            let watchers = FanOutRunObserver(parts.compactMap { observer($0, sink: sink, tracer: tracer) })
            // As the CLI does: CAIRN_BENCH_QUEUE=0 calls the observers from the steps instead.
            configuration.observer =
                ProcessInfo.processInfo.environment["CAIRN_BENCH_QUEUE"] == "0" ? watchers : QueuedRunObserver(watchers)
        }
        let engine = Engine(configuration: configuration)
        let plan = try await engine.plan(SimStacks.wide(n), refresh: false)
        let cpuBefore = cpuSeconds()
        let watch = Stopwatch()
        let result = try await engine.apply(plan, options: Executor.Options(parallelism: parallelism))
        let seconds = watch.seconds
        let cpu = cpuSeconds() - cpuBefore
        try expectSucceeded(result)
        return (seconds, cpu, sink.lines, tracer.finishedSpans.count)
    }

    /// The observer `--log-file` (`logs`), `--metrics-file` (`metrics`) or tracing (`traces`) adds.
    private static func observer(_ name: String, sink: LineFile, tracer: InMemoryTracer) -> (any RunObserver)? {
        switch name {
        case "logs":
            var logger = Logger(label: "cairn.run") { label in JSONLines(label: label, file: sink) }
            logger.logLevel = .info
            return LoggingRunObserver(logger: logger)
        case "metrics": return MetricsRunObserver(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()))
        case "traces": return TracingRunObserver(tracer: tracer)
        // The observer over a tracer that records nothing: its own share of the cost of tracing.
        case "noop-traces": return TracingRunObserver(tracer: NoOpTracer())
        default: return nil
        }
    }

    /// The cost of each observer alone: the hooks of `n` successful one-try steps (started,
    /// attempt started and finished, finished), five rounds each, median per step; first from
    /// one task, then from two at once (as the executor's step tasks call them), where lock
    /// contention shows. What a step pays for being watched, without the journal's noise.
    static func observerCost(_ n: Int) async throws {
        var report = BenchReport(bench: "observer-cost")
        report.count("n", n)
        let steps = (0..<n).map { i in
            Step(
                index: i, address: "net_\(i)", type: "sim.network", action: .create, phase: .main, dependencies: [],
                desired: ["cidr": .string("10.0.0.0/16")], prior: nil, resourceDependencies: [], retry: RetryPolicy(),
                lifecycle: .init())
        }
        let plan = Plan(stack: "bench", serial: 1, changes: [])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-observer-cost-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for tasks in [1, 2] {
            for name in ["logs", "metrics", "traces", "noop-traces", "all", "queue", "queued-all"] {
                var perStep: [Double] = []
                for round in 0..<5 {
                    let sink = try LineFile(directory.appendingPathComponent("\(name)-\(tasks)-\(round).jsonl"))
                    let tracer = InMemoryTracer()
                    // `queue`: what a step pays to hand its hooks to a QueuedRunObserver (over
                    // nothing); `queued-all`: the three observers behind one, as the CLI has them.
                    // The buffer holds every hook here: the figure is the steps' side alone (these
                    // hooks come far faster than a run makes them, and would otherwise wait for
                    // the observers' thread once the buffer is full).
                    let parts = name.hasSuffix("all") ? ["logs", "metrics", "traces"] : [name]
                    let observers = FanOutRunObserver(parts.compactMap { observer($0, sink: sink, tracer: tracer) })
                    let queued = name.hasPrefix("queue") ? QueuedRunObserver(observers, limit: 4 * n + 16) : nil
                    let watcher: any RunObserver = queued ?? observers
                    watcher.runStarted(runID: "bench", plan: plan, operation: "apply")
                    let watch = Stopwatch()
                    await withTaskGroup(of: Void.self) { group in
                        for task in 0..<tasks {
                            group.addTask {
                                for step in steps where step.index % tasks == task {
                                    watcher.stepStarted(step, compensation: false)
                                    watcher.attemptStarted(step, attempt: 1, compensation: false)
                                    watcher.attemptFinished(step, attempt: 1, error: nil, compensation: false)
                                    watcher.stepFinished(
                                        step,
                                        outcome: StepOutcome(status: .ok, attempts: 1, duration: .microseconds(40), id: "id-\(step.index)"),
                                        compensation: false)
                                }
                            }
                        }
                    }
                    perStep.append(watch.seconds / Double(n) * 1e6)
                    queued?.flush()
                    try expect(["metrics", "noop-traces", "queue"].contains(name) || sink.lines + tracer.finishedSpans.count >= n, "every step was recorded")
                }
                report.figure(
                    "\(name)_us_per_step_\(tasks)_task\(tasks == 1 ? "" : "s")", perStep.sorted()[2], unit: "µs",
                    "wall time per step, median of 5")
            }
        }
        report.finish()
    }

    /// User and system CPU time this process has used.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}

/// Appends whole lines to a file, one write(2) per line (what the CLI's `--log-file` does).
private final class LineFile: Sendable {
    private let handle: Mutex<(FileHandle, Int)>
    init(_ url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = Mutex((try FileHandle(forWritingTo: url), 0))
    }
    func write(_ line: String) {
        var text = line
        text += "\n"
        handle.withLock { state in
            let fd = state.0.fileDescriptor
            text.withUTF8 { bytes in _ = Glibc.write(fd, bytes.baseAddress!, bytes.count) }
            state.1 += 1
        }
    }
    var lines: Int { handle.withLock { $0.1 } }
}

/// One JSON object per record, formatted as the CLI's JSON log handler does.
private struct JSONLines: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    let file: LineFile

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.isEmpty ? event.metadata ?? [:] : metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        file.write(JSONLogLine.render(time: RunEventTime.now.date, level: event.level, label: label, message: "\(event.message)", metadata: fields))
    }
}
