import Cairn
import Foundation
@preconcurrency import Rainbow

/// Writing to the terminal, with color only where it helps: never when the output is not a
/// terminal, when `NO_COLOR` is set, or with `--no-color`.
struct Terminal: Sendable {
    let color: Bool

    init(noColor: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        color = !noColor && environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }

    func green(_ s: String) -> String { color ? s.green : s }
    func yellow(_ s: String) -> String { color ? s.yellow : s }
    func red(_ s: String) -> String { color ? s.red : s }
    func cyan(_ s: String) -> String { color ? s.cyan : s }
    func bold(_ s: String) -> String { color ? s.bold : s }
    func dim(_ s: String) -> String { color ? s.dim : s }

    static func standardOutput(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    static func standardError(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    /// Asks for "yes" at a terminal; false when there is no terminal to ask at.
    static func confirm(_ question: String) -> Bool {
        guard isatty(STDIN_FILENO) == 1 else { return false }
        standardOutput(question + "\n  Only 'yes' will be accepted.")
        FileHandle.standardOutput.write(Data("  Enter a value: ".utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}

/// Renders values for people: strings quoted, sensitive values hidden.
enum ValueText {
    static func render(_ value: Value?, sensitive: Bool = false) -> String {
        guard let value else { return "null" }
        if sensitive { return "(sensitive)" }
        switch value {
        case .string(let s): return "\"\(s)\""
        default: return value.canonicalJSON
        }
    }
}
