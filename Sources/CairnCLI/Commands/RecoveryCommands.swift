import ArgumentParser
import Cairn

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Finish an interrupted run with its own plan and idempotency keys.",
        discussion: """
            Steps that were in flight when the run stopped are first resolved by asking the provider \
            (find by idempotency key, then read), so nothing is created twice.
            """)

    @OptionGroup var stackOptions: StackOptions
    @Option(help: "The run to resume (default: the latest).") var run: String?
    @Option(help: "How many steps may run at once.") var parallelism: Int = 10
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            try await RecoveryRun(stackOptions: stackOptions, json: json, title: "Resume").run { engine, stack, options in
                try await engine.resume(stack: stack.name, runID: run, options: options.with(parallelism: parallelism))
            }
        }
    }
}

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Undo what a run did: delete what it created, restore what it updated.",
        discussion: "Continues a rollback that could not finish. Running it twice changes nothing the second time.")

    @OptionGroup var stackOptions: StackOptions
    @Option(help: "The run to roll back (default: the latest).") var run: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            try await RecoveryRun(stackOptions: stackOptions, json: json, title: "Rollback").run { engine, stack, options in
                try await engine.rollback(stack: stack.name, runID: run, options: options)
            }
        }
    }
}

/// What resume and rollback share: open the workspace, trap signals, run, report.
struct RecoveryRun {
    var stackOptions: StackOptions
    var json: Bool
    var title: String

    func run(_ body: (Engine, Stack, Executor.Options) async throws -> RunResult) async throws -> Int32 {
        let terminal = Terminal(noColor: stackOptions.noColor)
        let progress = ProgressView(terminal: terminal, quiet: json || stackOptions.quiet)
        let (engine, stack, _) = try Workspace(options: stackOptions).open(observer: progress)
        let trap = SignalTrap()
        let result = try await body(engine, stack, Executor.Options(stop: trap.stop))
        Terminal.standardOutput(json ? JSONView.run(result).canonicalJSON : progress.summary(result, title: title))
        // Asking for a rollback and getting one is a success.
        if title == "Rollback" && result.status == .rolledBack { return ExitCodes.success }
        return ExitCodes.code(for: result)
    }
}

extension Executor.Options {
    func with(parallelism: Int) -> Executor.Options {
        var copy = self
        copy.parallelism = max(1, parallelism)
        return copy
    }
}
