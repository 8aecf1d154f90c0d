import Foundation

// cairn-bench: Cairn's performance figures, one workload per process (see scripts/bench.sh).
do {
    let command = try BenchCommand(arguments: Array(CommandLine.arguments.dropFirst()))
    try await command.run()
} catch let error as BenchCommand.UsageError {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(64)
} catch {
    FileHandle.standardError.write(Data("cairn-bench: \(error)\n".utf8))
    exit(1)
}
