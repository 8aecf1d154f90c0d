/// What `cairn-bench` was asked to run, read from its arguments.
struct BenchCommand {
    enum Workload: String, CaseIterable {
        case plan
        case applyWide = "apply-wide"
        case applyChain = "apply-chain"
        case noop
        case files
        case ceiling
        case observability
        case observerCost = "observer-cost"
        case drift
    }

    var workload: Workload
    var size: Int
    var parallelism: Int
    /// Journal, world and step-timeout settings of the sim workloads.
    var settings = SimBed.Settings()

    static let usage = """
        usage: cairn-bench WORKLOAD [N] [--parallelism P]

          plan N                 plan time (no refresh) for N sim resources, all creates and all no-ops;
                                 YAML spec load time for the same stack
          apply-wide N           durable apply of N independent sim resources
          apply-chain N          durable apply of a chain of N dependent sim resources
          noop N                 re-plan of an applied N-resource stack, with and without refresh
          files N                N local files over 20 folders: converge, no-op re-run, 10% changed
          ceiling [N]            durable commits/s of the state store and raw fsync/s (N writes each)
          drift N                drift of N applied sim resources, 20 ms per read, P at a time, against N·20ms/P
          observability N        apply-wide N bare and with JSON logs, metrics and tracing (5 each): the overhead
          observer-cost N        CPU per step of each observer's hooks alone (one thread, no executor)

        --parallelism P          executor parallelism (default 10) for apply-wide, apply-chain, files; reads at once for drift

        Timing splits for apply-wide, apply-chain and noop (the defaults are what the CLI uses):
        --journal sqlite|memory  the durable SQLiteStore (default) or InMemoryStore
        --world file|memory      the sim world on a file (default) or in memory
        --no-step-timeouts       do not arm a step timeout around each provider call
        Each prints its figures, then one JSON line.
        """

    /// Reads `arguments` (without the program name); throws a message with the usage on misuse.
    init(arguments: [String]) throws(UsageError) {
        var rest = arguments[...]
        guard let name = rest.popFirst() else { throw UsageError("no workload given") }
        guard let workload = Workload(rawValue: name) else { throw UsageError("unknown workload '\(name)'") }
        self.workload = workload
        size = workload == .ceiling ? 2_000 : 1_000
        parallelism = 10
        var sawSize = false
        while let argument = rest.popFirst() {
            if argument == "--parallelism" || argument == "-p" {
                guard let value = rest.popFirst(), let p = Int(value), p > 0 else {
                    throw UsageError("--parallelism needs a positive number")
                }
                parallelism = p
            } else if argument == "--journal" {
                guard let value = rest.popFirst(), let journal = SimBed.Journal(rawValue: value) else {
                    throw UsageError("--journal needs sqlite or memory")
                }
                settings.journal = journal
            } else if argument == "--world" {
                guard let value = rest.popFirst(), let world = SimBed.World(rawValue: value) else {
                    throw UsageError("--world needs file or memory")
                }
                settings.world = world
            } else if argument == "--no-step-timeouts" {
                settings.stepTimeouts = false
            } else if !sawSize, let n = Int(argument.replacingOccurrences(of: "_", with: "")), n > 0 {
                size = n
                sawSize = true
            } else {
                throw UsageError("unexpected argument '\(argument)'")
            }
        }
    }

    /// Runs the workload.
    func run() async throws {
        switch workload {
        case .plan: try await Bench.plan(size)
        case .applyWide: try await Bench.applyWide(size, parallelism: parallelism, settings: settings)
        case .applyChain: try await Bench.applyChain(size, parallelism: parallelism, settings: settings)
        case .noop: try await Bench.noop(size, settings: settings)
        case .files: try await Bench.files(size, parallelism: parallelism)
        case .ceiling: try await Bench.ceiling(size)
        case .drift: try await Bench.drift(size, parallelism: parallelism, settings: settings)
        case .observability: try await Bench.observability(size, parallelism: parallelism, settings: settings)
        case .observerCost: try await Bench.observerCost(size)
        }
    }

    /// A misuse of the command line.
    struct UsageError: Error, CustomStringConvertible {
        var message: String
        init(_ message: String) { self.message = message }
        var description: String { "cairn-bench: \(message)\n\n\(BenchCommand.usage)" }
    }
}
