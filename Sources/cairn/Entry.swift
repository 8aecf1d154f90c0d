import ArgumentParser
import CairnCLI
import Foundation

@main
struct CairnMain {
    /// Parses and runs a command. Usage errors exit 2, as the CLI contract says (the argument
    /// parser's own default would be 64).
    static func main() async {
        do {
            var command = try CairnCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if CairnCommand.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((CairnCommand.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            CairnCommand.exit(withError: error)
        }
    }
}
