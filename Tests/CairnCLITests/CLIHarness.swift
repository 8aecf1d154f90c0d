import Cairn
import Foundation
import Testing

/// Runs the built `cairn` binary in a temporary folder, as a user would.
struct CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as one JSON value.
        func json() throws -> Value { try Value.parseJSON(Data(stdout.utf8)) }
    }

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// The debug binary next to the test bundle (`swift build` makes it), or `CAIRN_BIN`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["CAIRN_BIN"] { return URL(fileURLWithPath: path) }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/debug/cairn")
    }()

    func write(_ name: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) async throws -> Output {
        try await run(arguments, environment: environment)
    }

    /// Runs `cairn` and waits for it on a thread of its own: a test waiting for a process must
    /// not hold one of the few threads Swift's concurrency runs every test's tasks on (other
    /// suites' timeouts would then fire late). `input` is its standard input, from a file
    /// (else it reads nothing).
    func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws -> Output {
        let cli = self
        return try await onOwnThread { try cli.runBlocking(arguments, input: input, environment: environment) }
    }

    private func runBlocking(_ arguments: [String], input: String?, environment: [String: String]) throws -> Output {
        let process = try cairnProcess(arguments, environment: environment)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        if let input {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-stdin-\(UUID().uuidString)")
            try Data(input.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            process.standardInput = try FileHandle(forReadingFrom: file)
        }
        try process.run()
        let outData = Locked(Data())
        let finished = DispatchSemaphore(value: 0)
        Thread {
            outData.set(out.fileHandleForReading.readDataToEndOfFile())
            finished.signal()
        }.start()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        finished.wait()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData.value, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A `cairn` process, not started, in the test's folder: this environment without `CAIRN_*`
    /// variables, with `NO_COLOR=1` and `environment` on top.
    func cairnProcess(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw CLIError("no cairn binary at \(CLI.binary.path); run `swift build` first (or set CAIRN_BIN)")
        }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CAIRN_") }
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        return process
    }

    /// `sim inventory --json`, as a list of resources.
    func inventory() async throws -> [Value] {
        try await run("sim", "inventory", "--json").json().listValue ?? []
    }
}

/// Runs `body`, which blocks (waiting for a process), on a thread of its own and awaits it, so
/// that no thread of Swift's concurrency pool is held meanwhile.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A value written by a reader thread and read after it signalled.
final class Locked<T>: @unchecked Sendable {
    // Safe: every access goes through the lock.
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    func set(_ value: T) {
        lock.lock()
        stored = value
        lock.unlock()
    }
    var value: T {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
