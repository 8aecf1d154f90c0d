import ArgumentParser
import Cairn
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report as one self-contained HTML file (the latest run by default).",
        discussion: """
            The report needs no network: a timeline of every step by dependency level (tries, backoff \
            waits, throttling, compensations, gates), colored by outcome, and a summary with the success \
            rate, p50/p95 latency per resource type, retries and the critical path. Sensitive values are hidden.
            """)

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "The run to report on.")
    var run: String?

    @Option(help: ArgumentHelp("Where to write the HTML file.", valueName: "file.html"))
    var out: String

    func run() async throws {
        try await reportingErrors {
            let (engine, stack, _) = try Workspace(options: stackOptions).open()
            let store = engine.configuration.store
            let latest = try await store.runs(stack: stack.name, limit: 1).first?.runID
            guard let runID = run ?? latest else {
                throw UsageError("stack '\(stack.name)' has no runs yet; apply it first, then ask for its report")
            }
            let events = try await store.events(runID: runID)
            guard !events.isEmpty else { throw UsageError("no run \(runID) in stack '\(stack.name)'; `cairn status` lists runs") }
            let (redactor, types) = Redactor(stack: stack, registry: engine.configuration.registry).forRun(events)
            let shown = events.map { redactor.redact($0, types: types) }
            let timeline = RunTimeline(events: shown, redactor: redactor)
            let html = ReportView(timeline: timeline, events: shown).render()
            do {
                try Data(html.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw UsageError("cannot write the report to \(out): \(error.localizedDescription)")
            }
            if !stackOptions.quiet { Terminal.standardOutput("Wrote the report of run \(runID) to \(out).") }
            return ExitCodes.success
        }
    }
}
