import ArgumentParser
import Cairn

struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy", abstract: "Delete everything this stack created, dependents first.")

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Do not ask for confirmation.")
    var autoApprove = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let terminal = Terminal(noColor: stackOptions.noColor)
            let progress = ProgressView(terminal: terminal, quiet: json || stackOptions.quiet)
            let (engine, stack, _) = try Workspace(options: stackOptions).open(observer: progress)
            try await engine.checkReadyForNewRun(stack: stack.name)
            let plan = try await engine.destroyPlan(stack)
            guard plan.hasChanges else {
                if json { Terminal.standardOutput(ApplyCommand.noChangesJSON.canonicalJSON) } else {
                    Terminal.standardOutput("Nothing to destroy: stack '\(stack.name)' records no resources.")
                }
                return ExitCodes.success
            }
            if !json { Terminal.standardOutput(PlanView(terminal: terminal).render(plan, brief: stackOptions.quiet)) }
            if !autoApprove {
                guard Terminal.confirm("Destroy all \(plan.changes.count) resources of stack '\(stack.name)'?") else {
                    throw UsageError("destroy needs confirmation at a terminal or --auto-approve; nothing was done")
                }
            }
            let trap = SignalTrap()
            let result = try await engine.apply(plan, options: Executor.Options(stop: trap.stop), operation: "destroy")
            Terminal.standardOutput(json ? JSONView.run(result).canonicalJSON : progress.summary(result, title: "Destroy"))
            return ExitCodes.code(for: result)
        }
    }
}
