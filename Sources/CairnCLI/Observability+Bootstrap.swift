import Cairn
import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import Synchronization
import Tracing

/// The CLI's one place that installs the logging, metrics and tracing backends (the library
/// only ever uses the `Logger`, metrics factory and tracer it is given), and that writes the
/// metrics file and flushes traces before the process exits.
enum Observability {
    /// How the backends are set up, from the common options and the environment.
    struct Settings: Sendable {
        var logFormat: LogFormat = .human
        var logFile: String?
        var metricsFile: String?
        var verbose = false
        var quiet = false
        var environment: [String: String] = [:]

        /// The level of the records written to standard error.
        var consoleLevel: Logger.Level {
            if let level = environment["CAIRN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) { return level }
            if verbose { return .debug }
            if quiet { return .error }
            return logFormat == .json ? .info : .notice
        }

        /// The level of the records written to `--log-file`.
        var fileLevel: Logger.Level {
            environment["CAIRN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? (verbose ? .debug : .info)
        }
    }

    /// `--log-format`: lines for people, or one JSON object per line.
    enum LogFormat: String, Sendable, CaseIterable { case human, json }

    private struct State: Sendable {
        var settings: Settings
        var registry: PrometheusCollectorRegistry?
        var tracing: (any TracingExport)?
        /// The queues the recording observers work behind, flushed before the process exits.
        var queues: [QueuedRunObserver] = []
    }

    private static let state = Mutex<State?>(nil)

    /// Installs the backends once per process; later calls do nothing. Logging always (human
    /// lines on standard error by default); Prometheus metrics when a metrics file or port is
    /// asked for; OTLP traces when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces endpoint) is set.
    static func bootstrap(_ settings: Settings, metricsPort: Int? = nil) throws {
        if state.withLock({ $0 != nil }) { return }
        let console = LogSink.standardError
        let file = try settings.logFile.map(LogSink.file)
        let registry = settings.metricsFile != nil || metricsPort != nil ? PrometheusCollectorRegistry() : nil
        let tracing = try TracingExports.make(environment: settings.environment)
        let installed = state.withLock { current -> Bool in
            guard current == nil else { return false }
            current = State(settings: settings, registry: registry, tracing: tracing)
            return true
        }
        guard installed else { return }
        LoggingSystem.bootstrap { label in
            var handlers: [any LogHandler] = [
                settings.logFormat == .json
                    ? JSONLogHandler(label: label, sink: console, level: settings.consoleLevel)
                    : HumanLogHandler(sink: console, level: settings.consoleLevel)
            ]
            if let file { handlers.append(JSONLogHandler(label: label, sink: file, level: settings.fileLevel)) }
            return handlers.count == 1 ? handlers[0] : MultiplexLogHandler(handlers)
        }
        if let registry { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }
        if let tracing { InstrumentationSystem.bootstrap(tracing.tracer) }
    }

    /// The observer that turns a run into log records, metrics and spans, hiding what is
    /// sensitive in `stack` (and in each run's plan). They work on a thread of their own, out
    /// of the steps' way, behind a queue that ``finish()`` flushes.
    static func recorder(stack: Stack?, registry: ProviderRegistry) -> any RunObserver {
        let redactor = stack.map { Redactor(stack: $0, registry: registry) } ?? Redactor(registry: registry)
        var observers: [any RunObserver] = [LoggingRunObserver(logger: Logger(label: "cairn.run"), redactor: redactor)]
        let current = state.withLock { $0 }
        if current?.registry != nil { observers.append(MetricsRunObserver()) }
        if current?.tracing != nil { observers.append(TracingRunObserver(redactor: redactor)) }
        let queue = QueuedRunObserver(FanOutRunObserver(observers))
        state.withLock { $0?.queues.append(queue) }
        return queue
    }

    /// For a process about to exit at once (a second Ctrl-C): delivers what the recorders'
    /// queues hold, the log records of the last moments above all, waiting at most `timeout`.
    static func flushRecorders(waitingAtMost timeout: Duration) {
        for queue in state.withLock({ $0?.queues ?? [] }) { queue.flush(waitingAtMost: timeout) }
    }

    /// The Prometheus registry metrics are kept in, when metrics were asked for.
    static var metricsRegistry: PrometheusCollectorRegistry? { state.withLock { $0?.registry } }

    /// Before the process exits: delivers what the recorders' queues still hold, writes
    /// `--metrics-file` (to a temporary file renamed into place, as node_exporter's textfile
    /// collector expects) and flushes and stops the trace exporter. Problems are reported on
    /// standard error; they never change the exit code.
    static func finish() async {
        guard let current = state.withLock({ $0 }) else { return }
        for queue in current.queues { queue.flush() }
        if let path = current.settings.metricsFile, let registry = current.registry {
            do {
                try MetricsFile.write(registry.emitToString(), to: path)
            } catch {
                Terminal.standardError("warning: cannot write the metrics file \(path): \(error.localizedDescription)")
            }
        }
        await current.tracing?.shutdown()
    }
}

/// Writing Prometheus text the way node_exporter's textfile collector reads it.
enum MetricsFile {
    /// Writes `text` to a temporary file beside `path`, then renames it over `path`, so that a
    /// reader never sees half a file.
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try Data(text.utf8).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(code))])
        }
    }
}

extension StackOptions {
    /// The observability settings these options ask for.
    var observability: Observability.Settings {
        Observability.Settings(
            logFormat: logFormat, logFile: logFile, metricsFile: metricsFile, verbose: verbose, quiet: quiet,
            environment: ProcessInfo.processInfo.environment)
    }
}

extension Observability.LogFormat: ExpressibleByArgument {}
