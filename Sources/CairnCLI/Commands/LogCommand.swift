import ArgumentParser
import Cairn
import Foundation

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Show a run's journal, in order (the latest run by default): intents, tries, outcomes, compensations.")

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "The run to show.")
    var run: String?

    @Flag(help: "One JSON object per line, one per journal event (sensitive values hidden).")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let (engine, stack, _) = try Workspace(options: stackOptions).open()
            let store = engine.configuration.store
            let latest = try await store.runs(stack: stack.name, limit: 1).first?.runID
            guard let runID = run ?? latest else {
                Terminal.standardError("Stack '\(stack.name)' has no runs yet.")
                return ExitCodes.success
            }
            let events = try await store.events(runID: runID)
            guard !events.isEmpty else { throw UsageError("no run \(runID) in stack '\(stack.name)'; `cairn status` lists runs") }
            let (redactor, types) = Redactor(stack: stack, registry: engine.configuration.registry).forRun(events)
            let shown = events.map { redactor.redact($0, types: types) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                for e in shown { Terminal.standardOutput(String(decoding: try encoder.encode(e), as: UTF8.self)) }
            } else {
                let view = LogView(terminal: Terminal(noColor: stackOptions.noColor), verbose: stackOptions.verbose)
                for line in view.render(shown, timeline: RunTimeline(events: shown, redactor: redactor)) {
                    Terminal.standardOutput(line)
                }
            }
            return ExitCodes.success
        }
    }
}
