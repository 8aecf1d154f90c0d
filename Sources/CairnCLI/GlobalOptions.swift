import ArgumentParser
import Foundation

/// Options every stack command takes.
struct StackOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("file")], help: "The spec file ('-' reads it from standard input).")
    var file: String = "cairn.yaml"

    @Option(help: ArgumentHelp("Where state lives: sqlite:PATH (default: .cairn/state.db beside the spec).", valueName: "url"))
    var store: String?

    @Option(help: ArgumentHelp("A fault profile for the simulated cloud (YAML).", valueName: "file"))
    var faults: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable (repeatable).", valueName: "key=value"))
    var variables: [String] = []

    @Option(name: .customLong("flag"), help: ArgumentHelp("Set a feature flag (repeatable).", valueName: "key=value"))
    var flags: [String] = []

    @Option(
        name: .customLong("flags-file"),
        help: ArgumentHelp(
            "Feature flags from a YAML or JSON map (--flag wins over it; it wins over CAIRN_FLAG_*).", valueName: "file"))
    var flagsFile: String?

    @Flag(help: "Never color the output.")
    var noColor = false

    @Flag(name: .shortAndLong, help: "Say more.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Say only what matters: errors, and of a plan its summary and what it deletes or replaces.")
    var quiet = false

    @Option(help: ArgumentHelp("Log records on standard error: human or json (one object per line).", valueName: "format"))
    var logFormat: Observability.LogFormat = .human

    @Option(help: ArgumentHelp("Also write log records to this file, as JSON lines.", valueName: "path"))
    var logFile: String?

    @Option(help: ArgumentHelp("Write the run's metrics here (Prometheus text) when the command ends.", valueName: "path"))
    var metricsFile: String?

    func keyValues(_ items: [String], option: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw UsageError("--\(option) takes key=value, got '\(item)'")
            }
            out[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return out
    }
}
