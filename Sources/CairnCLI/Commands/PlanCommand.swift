import ArgumentParser
import Cairn
import Foundation

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what apply would change, field by field. Changes nothing.")

    @OptionGroup var stackOptions: StackOptions

    @Option(help: ArgumentHelp("Save the plan to this file, for `cairn apply FILE`.", valueName: "plan"))
    var out: String?

    @Flag(help: "Plan from recorded state without reading the world first.")
    var noRefresh = false

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Flag(help: "Exit 5 when there are changes (0 when none).")
    var detailedExitcode = false

    func run() async throws {
        try await reportingErrors {
            let (engine, stack, _) = try Workspace(options: stackOptions).open()
            let plan = try await engine.plan(stack, refresh: !noRefresh)
            if let out {
                // Plans hold resolved properties: readable by the owner only, whatever the umask.
                let url = URL(fileURLWithPath: out)
                try SavedPlan.encode(plan).write(to: url, options: .atomic)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            }
            if json {
                Terminal.standardOutput(JSONView.plan(plan).canonicalJSON)
            } else {
                Terminal.standardOutput(PlanView(terminal: Terminal(noColor: stackOptions.noColor)).render(plan))
                if let out { Terminal.standardOutput("Saved the plan to \(out). Apply exactly this plan with `cairn apply \(out)`.") }
            }
            return detailedExitcode && plan.hasChanges ? ExitCodes.changesPresent : ExitCodes.success
        }
    }
}
