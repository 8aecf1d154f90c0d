import Foundation

extension CLI {
    /// A `cairn` process started without waiting for it: its output goes to files in the
    /// test's folder, so a test can watch it and signal it.
    final class Spawned: @unchecked Sendable {
        // Safe: the process is only touched from the test that started it.
        let process: Process
        let stdoutURL: URL
        let stderrURL: URL

        init(process: Process, stdoutURL: URL, stderrURL: URL) {
            self.process = process
            self.stdoutURL = stdoutURL
            self.stderrURL = stderrURL
        }

        var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

        /// Polls until `condition` holds or `timeout` passes; true when it held. Sleeps between
        /// looks without holding a thread.
        func wait(upTo timeout: TimeInterval, for condition: () -> Bool) async -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition() { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return condition()
        }

        /// Sends `signal` to the process.
        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// The exit status once the process ended within `timeout`, else nil (and the process is killed).
        func exitStatus(within timeout: TimeInterval) async -> Int32? {
            guard await wait(upTo: timeout, for: { !process.isRunning }) else {
                process.terminate()
                return nil
            }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Starts `cairn` with `arguments` in the test's folder and returns at once.
    func spawn(_ arguments: String...) throws -> Spawned {
        let id = UUID().uuidString.prefix(8)
        let out = folder.appendingPathComponent("spawn-\(id).out")
        let err = folder.appendingPathComponent("spawn-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = try cairnProcess(arguments)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Spawned(process: process, stdoutURL: out, stderrURL: err)
    }
}
