import Cairn
import CairnSQLite
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Bench {
    /// This machine's durable-write ceiling, measured in the same folder the other benchmarks
    /// use: commits/s of the state store when each commit holds one small event (SQLite WAL,
    /// `synchronous=FULL`), and raw fsync/s of a small overwrite and of an append.
    static func ceiling(_ n: Int) async throws {
        var report = BenchReport(bench: "ceiling")
        report.count("n", n)
        let directory = try Measure.temporaryDirectory("ceiling")
        defer { Measure.remove(directory) }

        let store = try SQLiteStore(path: directory.appendingPathComponent("state.db").path)
        let settings = try await store.connectionSettings()
        report.label("sqlite_settings", "journal_mode=\(settings.journalMode) synchronous=\(settings.synchronous)")
        let event = JournalEvent(runID: "r-ceiling", time: Date(), kind: .intent, address: "x", detail: ["i": .int(1)])
        let warmup = JournalBatch(stack: "ceiling", fencingToken: 0, events: [event])
        try await store.commit(warmup)
        var watch = Stopwatch()
        for _ in 0..<n {
            try await store.commit(JournalBatch(stack: "ceiling", fencingToken: 0, events: [event]))
        }
        report.figure("sqlite_commits_per_s", Double(n) / watch.seconds, unit: "commits/s", "SQLiteStore.commit of one event")

        let path = directory.appendingPathComponent("fsync.bin").path
        let fd = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0o600)
        try expect(fd >= 0, "could not open \(path)")
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5a, count: 512)
        try writeBlock(fd, block, offset: 0)
        try expect(fsync(fd) == 0, "fsync failed")
        watch = Stopwatch()
        for _ in 0..<n {
            try writeBlock(fd, block, offset: 0)
            try expect(fsync(fd) == 0, "fsync failed")
        }
        report.figure("fsync_overwrite_per_s", Double(n) / watch.seconds, unit: "fsync/s", "512 B pwrite at offset 0 + fsync")
        watch = Stopwatch()
        for i in 0..<n {
            try writeBlock(fd, block, offset: off_t((i + 1) * block.count))
            try expect(fsync(fd) == 0, "fsync failed")
        }
        report.figure("fsync_append_per_s", Double(n) / watch.seconds, unit: "fsync/s", "512 B append + fsync")
        report.peakRSS()
        report.finish()
    }

    private static func writeBlock(_ fd: Int32, _ block: [UInt8], offset: off_t) throws {
        let written = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, offset) }
        try expect(written == block.count, "pwrite wrote \(written) of \(block.count) bytes")
    }
}
