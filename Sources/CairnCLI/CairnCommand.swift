import ArgumentParser
import Cairn
import Foundation

/// The `cairn` command: declare infrastructure, plan it, apply it as a journaled, retryable,
/// resumable workflow.
public struct CairnCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Provision infrastructure as a workflow that is safe to retry, interrupt and run twice.",
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, StatusCommand.self,
            ResumeCommand.self, RollbackCommand.self, LogCommand.self, UnlockCommand.self, SimCommand.self,
            ReportCommand.self, GraphCommand.self,
            DriftCommand.self, ReconcileCommand.self,
        ])

    public init() {}
}

/// The one table from errors to exit codes (DESIGN.md "CLI contract").
enum ExitCodes {
    static let success: Int32 = 0
    static let runFailed: Int32 = 1
    static let invalidInput: Int32 = 2
    static let locked: Int32 = 3
    static let interrupted: Int32 = 4
    static let changesPresent: Int32 = 5

    static func code(for error: any Error) -> Int32 {
        switch error {
        case is LeaseConflict: locked
        case is UnfinishedRun: interrupted
        case is Diagnostics, is StalePlan, is ValidationError, is UsageError, is RecoveryError: invalidInput
        default: runFailed
        }
    }

    /// 0 for a run that succeeded (and verified, when verify ran), 4 for one interrupted by a
    /// signal, 1 for any other ending.
    static func code(for result: RunResult) -> Int32 {
        switch result.status {
        case .succeeded: result.verify?.isClean == false ? runFailed : success
        case .interrupted: interrupted
        default: runFailed
        }
    }
}

/// A mistake in how the command was called, with what to do instead.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension AsyncParsableCommand {
    /// Runs `body`, printing any error the way users should see it and exiting with the code
    /// the CLI contract gives it.
    func reportingErrors(_ body: () async throws -> Int32) async throws {
        let code: Int32
        do {
            code = try await body()
        } catch let exit as ExitCode {
            await Observability.finish()
            throw exit
        } catch {
            Terminal.standardError("error: \(error)")
            await Observability.finish()
            throw ExitCode(ExitCodes.code(for: error))
        }
        await Observability.finish()
        if code != 0 { throw ExitCode(code) }
    }
}
