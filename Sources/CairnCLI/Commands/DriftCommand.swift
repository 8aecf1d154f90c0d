import ArgumentParser
import Cairn

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Read the whole stack from the world and report what differs from the spec. Changes nothing.",
        discussion: """
            Reports changed fields (declared vs actual), resources missing from the world, and \
            orphans: resources tagged with this stack that the state does not know. Differences on \
            ignore_drift fields and server-managed fields are shown, marked ignored, and not counted.
            """)

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Exit 5 when there is drift (0 when in sync).")
    var detailedExitcode = false

    @Option(help: "How many resources are read at once.")
    var parallelism: Int = 16

    func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            let (engine, stack, _) = try Workspace(options: stackOptions).open()
            let report = try await engine.drift(stack, options: DriftOptions(parallelism: parallelism))
            if json {
                Terminal.standardOutput(DriftView.json(report).canonicalJSON)
            } else {
                Terminal.standardOutput(DriftView(terminal: Terminal(noColor: stackOptions.noColor)).render(report))
            }
            return detailedExitcode && report.hasDrift ? ExitCodes.changesPresent : ExitCodes.success
        }
    }
}
