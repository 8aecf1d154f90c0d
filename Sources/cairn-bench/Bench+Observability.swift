import Cairn
import Foundation
import InMemoryTracing
import Logging
import Prometheus
import Synchronization

extension Bench {
    /// The cost of watching a run: applies `n` independent resources (zero latency, durable
    /// journal) five times bare and five times with JSON log records written to a file
    /// (level info, as `--log-file` does), Prometheus metrics and a recording tracer, alternating,
    /// and reports the median of each and the overhead.
    static func observability(_ n: Int, parallelism: Int, settings: SimBed.Settings) async throws {
        var report = BenchReport(bench: "observability")
        report.count("n", n)
        report.count("parallelism", parallelism)
        var bare: [Double] = []
        var observed: [Double] = []
        var bareCPU: [Double] = []
        var observedCPU: [Double] = []
        var records = 0
        var spans = 0
        for _ in 0..<5 {
            let plain = try await timedApply(n, parallelism: parallelism, settings: settings, observed: false)
            bare.append(plain.seconds)
            bareCPU.append(plain.cpu)
            let run = try await timedApply(n, parallelism: parallelism, settings: settings, observed: true)
            observed.append(run.seconds)
            observedCPU.append(run.cpu)
            records = run.records
            spans = run.spans
        }
        let base = bare.sorted()[2]
        let watched = observed.sorted()[2]
        report.figure("bare_apply_s", base, unit: "s", "median of 5")
        report.figure("observed_apply_s", watched, unit: "s", "median of 5: JSON logs to a file, Prometheus, tracer")
        report.figure("overhead_pct", (watched / base - 1) * 100, unit: "%", "wall time")
        let baseCPU = bareCPU.sorted()[2]
        let watchedCPU = observedCPU.sorted()[2]
        report.figure("bare_cpu_s", baseCPU, unit: "s", "user + system CPU of the apply, median of 5")
        report.figure("observed_cpu_s", watchedCPU, unit: "s")
        report.figure("cpu_overhead_pct", (watchedCPU / baseCPU - 1) * 100, unit: "%", "less sensitive to other load")
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
            let parts = Set(
                (ProcessInfo.processInfo.environment["CAIRN_BENCH_OBSERVE"] ?? "logs,metrics,traces").split(separator: ","))
            var logger = Logger(label: "cairn.run") { label in JSONLines(label: label, file: sink) }
            logger.logLevel = .info
            var observers: [any RunObserver] = []
            if parts.contains("logs") { observers.append(LoggingRunObserver(logger: logger)) }
            if parts.contains("metrics") {
                observers.append(MetricsRunObserver(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())))
            }
            if parts.contains("traces") { observers.append(TracingRunObserver(tracer: tracer)) }
            configuration.observer = FanOutRunObserver(observers)
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
        let fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        file.write(JSONLogLine.render(time: Date(), level: event.level, label: label, message: "\(event.message)", metadata: fields))
    }
}
