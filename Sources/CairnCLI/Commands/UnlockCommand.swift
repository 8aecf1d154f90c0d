import ArgumentParser
import Cairn

struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock", abstract: "Remove the stack's lock; the old holder can no longer write.")

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Required: confirms that the holder is gone.")
    var force = false

    func run() async throws {
        try await reportingErrors {
            guard force else { throw UsageError("unlock removes another run's lock; pass --force if you are sure it is gone") }
            let (engine, stack, _) = try Workspace(options: stackOptions).open()
            let store = engine.configuration.store
            let lease = try await store.lease(stack: stack.name)
            try await store.breakLease(stack: stack.name)
            Terminal.standardOutput(
                lease.map { "Removed the lock held by \($0.holder) on \($0.host), pid \($0.pid)." }
                    ?? "Stack '\(stack.name)' was not locked.")
            return ExitCodes.success
        }
    }
}
