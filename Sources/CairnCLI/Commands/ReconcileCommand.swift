import ArgumentParser
import Cairn
import Foundation

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Find drift, plan the corrections and apply them (once, or as a controller with --watch).",
        discussion: """
            One pass reads the drift, plans the corrections (recreating what the world lost, resetting \
            what was changed outside Cairn, deleting orphans) and applies them as one journaled run, \
            then verifies it. Deletions and replacements need a "yes" at a terminal or --auto-approve, \
            as for apply. With --watch, passes repeat every --interval (jittered by 10%) until SIGTERM or \
            SIGINT, which lets the pass in progress finish; without --auto-approve a pass whose \
            corrections delete or replace anything applies nothing and says so.
            """)

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Apply deletions and replacements without asking.")
    var autoApprove = false

    @Flag(help: "Run as a long-lived controller: a pass every --interval until stopped.")
    var watch = false

    @Option(help: ArgumentHelp("The time between passes with --watch (e.g. 30s, 5m).", valueName: "duration"))
    var interval: String = "60s"

    @Option(help: "How many resources are read, and steps run, at once.")
    var parallelism: Int = 16

    @Option(
        help: ArgumentHelp(
            "With --watch, serve Prometheus metrics at http://127.0.0.1:PORT/metrics (0 picks a free port).",
            valueName: "port"))
    var metricsPort: Int?

    func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
        if let port = metricsPort {
            guard watch else {
                throw ValidationError("--metrics-port serves metrics while --watch runs; for one pass use --metrics-file")
            }
            guard (0...65535).contains(port) else { throw ValidationError("--metrics-port takes 0 to 65535, got \(port)") }
        }
        guard let every = Duration(parsing: interval), every > .zero else {
            throw ValidationError("--interval takes a duration such as 30s or 5m, got '\(interval)'")
        }
        _ = every
    }

    func run() async throws {
        try await reportingErrors {
            let terminal = Terminal(noColor: stackOptions.noColor)
            let progress = ProgressView(terminal: terminal, quiet: watch ? !stackOptions.verbose : stackOptions.quiet)
            let workspace = Workspace(options: stackOptions)
            if watch && workspace.isStreamed {
                throw UsageError(
                    "reconcile --watch reads the spec again before every pass, and \(workspace.specName) can be read "
                        + "only once; pass -f FILE")
            }
            // Before the workspace installs the backends, so that metrics are kept for the port.
            try Observability.bootstrap(stackOptions.observability, metricsPort: metricsPort)
            let (engine, stack, _) = try workspace.open(observer: progress)
            if watch { return try await runWatch(engine: engine, workspace: workspace) }
            let view = DriftView(terminal: terminal)
            let autoApprove = autoApprove
            let trap = SignalTrap()
            let options = ReconcileOptions(
                drift: DriftOptions(parallelism: parallelism),
                executor: Executor.Options(parallelism: parallelism, stop: trap.stop),
                approve: { plan in
                    autoApprove
                        || Terminal.confirm(
                            "The corrections delete or replace existing resources: "
                                + plan.destructiveChanges.map(\.address).joined(separator: ", ") + ". Apply?")
                },
                onPlan: { drift, plan in
                    Terminal.standardOutput(view.render(drift))
                    Terminal.standardOutput(PlanView(terminal: terminal).render(plan))
                })
            let result = try await engine.reconcile(stack, options: options)
            withExtendedLifetime(trap) {}  // the trap handles SIGINT and SIGTERM until the run is over
            guard let run = result.run else {
                if result.declined {
                    let names = result.plan?.destructiveChanges.map(\.address).joined(separator: ", ") ?? ""
                    throw UsageError(
                        "the corrections delete or replace existing resources (\(names)); nothing was done. "
                            + "Confirm at a terminal or pass --auto-approve.")
                }
                Terminal.standardOutput(view.render(result.drift))
                return ExitCodes.success
            }
            Terminal.standardOutput(progress.summary(run, title: "Reconcile"))
            if let plan = result.plan { view.printDelta(plan: plan, result: run, quiet: stackOptions.quiet) }
            return ExitCodes.code(for: run)
        }
    }

    /// The controller loop: ServiceLifecycle turns SIGTERM and SIGINT into a graceful shutdown.
    private func runWatch(engine: Engine, workspace: Workspace) async throws -> Int32 {
        let every = Duration(parsing: interval) ?? .seconds(60)
        let registry = engine.configuration.registry
        let options = ReconcileOptions(
            drift: DriftOptions(parallelism: parallelism), executor: Executor.Options(parallelism: parallelism),
            approve: { [autoApprove] _ in autoApprove })
        let loop = ReconcileLoop(
            engine: engine, configuration: ReconcileLoop.Configuration(interval: every), options: options,
            loadStack: { try workspace.loadStack(registry: registry) })
        var endpoint: MetricsEndpoint?
        if let port = metricsPort, let registry = Observability.metricsRegistry {
            endpoint = try await MetricsEndpoint.bind(registry: registry, port: port)
            Terminal.standardOutput("Serving metrics at \(endpoint?.url ?? "")")
        }
        Terminal.standardOutput(
            "Reconciling every \(interval) (±10%). SIGTERM or Ctrl-C stops after the pass in progress.")
        try await ReconcileService.run(loop, metrics: endpoint) { pass in
            Terminal.standardOutput(ReconcileView.line(pass))
        }
        Terminal.standardOutput("Stopped.")
        return ExitCodes.success
    }
}
