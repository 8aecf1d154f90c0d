import ArgumentParser
import Cairn
import Foundation

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Show a run's journal, in order (the latest run by default).")

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "The run to show.")
    var run: String?

    @Flag(help: "One JSON object per line, one per journal event.")
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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            for e in events {
                if json {
                    Terminal.standardOutput(String(decoding: try encoder.encode(e), as: UTF8.self))
                } else {
                    var line = "#\(e.sequence) \(ISO8601DateFormatter().string(from: e.time)) \(e.kind.rawValue)"
                    if let a = e.address { line += " \(a)" }
                    if let a = e.action { line += " \(a)" }
                    if let n = e.attempt { line += " attempt=\(n)" }
                    if let s = e.status { line += " \(s)" }
                    if let c = e.errorClass { line += " [\(c)]" }
                    if let m = e.message { line += " \(m)" }
                    Terminal.standardOutput(line)
                }
            }
            return ExitCodes.success
        }
    }
}
