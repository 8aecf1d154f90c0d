import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock timing on `ContinuousClock`, and what the process and its files weigh.
struct Stopwatch {
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    /// Starts timing now.
    init() { start = clock.now }

    /// Seconds since the stopwatch started.
    var seconds: Double {
        let elapsed = start.duration(to: clock.now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}

/// Process and file measurements.
enum Measure {
    /// The peak resident set size of this process so far, in KiB (`ru_maxrss` on Linux).
    static func peakRSSKiB() -> Int {
        var usage = rusage()
        #if canImport(Darwin)
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return -1 }
            return Int(usage.ru_maxrss) / 1024  // bytes on Darwin
        #else
            guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return -1 }
            return Int(usage.ru_maxrss)
        #endif
    }

    /// The size of the file at `path` in bytes; 0 when there is none.
    static func fileSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// A new empty folder under the system's temporary folder (`TMPDIR`, else `/tmp`).
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cairn-bench-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Removes a folder made by ``temporaryDirectory(_:)``; a failure is only reported.
    static func remove(_ url: URL) {
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            FileHandle.standardError.write(Data("cairn-bench: could not remove \(url.path): \(error)\n".utf8))
        }
    }
}
