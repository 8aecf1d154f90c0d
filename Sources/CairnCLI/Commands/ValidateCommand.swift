import ArgumentParser
import Cairn

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a spec: syntax, types, references, cycles. Changes nothing.")

    @OptionGroup var stackOptions: StackOptions

    func run() async throws {
        try await reportingErrors {
            let workspace = Workspace(options: stackOptions)
            let stack = try workspace.validateStack()
            Terminal.standardOutput("\(workspace.specName) is valid: stack '\(stack.name)', \(stack.resources.count) resources.")
            return ExitCodes.success
        }
    }
}
