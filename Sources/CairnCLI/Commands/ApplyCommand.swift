import ArgumentParser
import Cairn
import Foundation

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the world match the spec (or apply a saved plan exactly).",
        discussion: """
            Creates and in-place updates need no confirmation. Deletions and replacements of existing \
            resources need a "yes" at a terminal or --auto-approve. A saved plan counts as approval of \
            exactly that plan, and is refused when the state moved on since it was made.
            """)

    @OptionGroup var stackOptions: StackOptions

    @Argument(help: ArgumentHelp("A plan file saved by `cairn plan --out`.", valueName: "plan"))
    var planFile: String?

    @Flag(help: "Apply deletions and replacements without asking.")
    var autoApprove = false

    @Option(help: "How many steps may run at once.")
    var parallelism: Int = 10

    @Option(help: ArgumentHelp("What a failed run does: rollback, halt or continue (default: the spec's).", valueName: "mode"))
    var onFailure: Stack.FailureMode?

    @Flag(help: "Apply from recorded state without reading the world first.")
    var noRefresh = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(help: "Do not re-read what the run touched to check it matches (verify is on by default).")
    var noVerify = false

    @Flag(help: "Verify each dependency level before the next starts; a mismatch stops (and rolls back) the run.")
    var verifyEachLevel = false

    func validate() throws {
        if noVerify && verifyEachLevel { throw ValidationError("--verify-each-level cannot be combined with --no-verify") }
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            let terminal = Terminal(noColor: stackOptions.noColor)
            let progress = ProgressView(terminal: terminal, quiet: json || stackOptions.quiet)
            let (engine, stack, _) = try Workspace(options: stackOptions).open(observer: progress)
            try await engine.checkReadyForNewRun(stack: stack.name)
            let plan: Plan
            if let planFile {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: planFile)) } catch {
                    throw UsageError("cannot read the plan file \(planFile): \(error.localizedDescription)")
                }
                plan = try SavedPlan.decode(data, file: planFile)
                guard plan.stack == stack.name else {
                    throw UsageError("the plan file \(planFile) is for stack '\(plan.stack)', not '\(stack.name)'")
                }
            } else {
                plan = try await engine.plan(stack, refresh: !noRefresh)
                if !json { Terminal.standardOutput(PlanView(terminal: terminal).render(plan, brief: stackOptions.quiet)) }
                if !plan.destructiveChanges.isEmpty && !autoApprove {
                    let names = plan.destructiveChanges.map(\.address).joined(separator: ", ")
                    guard Terminal.confirm("This deletes or replaces existing resources: \(names). Apply?") else {
                        throw UsageError(
                            "the plan deletes or replaces existing resources (\(names)); nothing was done. "
                                + "Confirm at a terminal, pass --auto-approve, or apply a saved plan file.")
                    }
                }
            }
            guard plan.hasChanges else {
                if json { Terminal.standardOutput(Self.noChangesJSON.canonicalJSON) }
                return ExitCodes.success
            }
            let trap = SignalTrap()
            let verify = VerifyOptions(enabled: !noVerify, eachLevel: verifyEachLevel).scoped(to: stack)
            let result = try await engine.apply(
                plan, options: Executor.Options(parallelism: parallelism, failureMode: onFailure, stop: trap.stop),
                verify: verify)
            if json {
                Terminal.standardOutput(DriftView.withPlanned(JSONView.run(result), plan).canonicalJSON)
            } else {
                Terminal.standardOutput(progress.summary(result, title: plan.isDestroy ? "Destroy" : "Apply"))
                DriftView(terminal: terminal).printDelta(plan: plan, result: result, quiet: stackOptions.quiet)
            }
            return ExitCodes.code(for: result)
        }
    }

    static let noChangesJSON: Value = [
        "run_id": nil, "status": "succeeded", "summary": ["create": 0, "update": 0, "replace": 0, "delete": 0],
        "retries": 0, "compensated": 0, "duration_ms": 0,
    ]
}

extension Stack.FailureMode: ExpressibleByArgument {}
