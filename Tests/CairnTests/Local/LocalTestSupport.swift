import Cairn
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fixtures shared by the local provider suites.
enum LocalTestSupport {
    static let key = IdempotencyKey(token: "run-1/create/thing", digest: "d1")

    static func context(_ type: String, _ address: String = "thing") -> ResourceContext {
        ResourceContext(stack: "test", address: address, type: type)
    }

    /// Runs `body` with a fresh, empty folder that is removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cairn-local-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        // Resolve symbolic links (macOS's /var -> /private/var) so that paths compare equal.
        return try await body(URL(fileURLWithPath: url.resolvingSymlinksInPath().path, isDirectory: true))
    }

    /// Runs `body` with the process umask set to `mask`, then restores it.
    ///
    /// The umask is process-wide; the masks used here only take group and other bits away,
    /// which no other suite depends on.
    /// Tests that change it take turns, so that each restores what it found.
    static func withUmask<T>(_ mask: mode_t, _ body: () async throws -> T) async throws -> T {
        await umaskTurns.acquire()
        let previous = umask(mask)
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        umask(previous)
        await umaskTurns.release()
        return try result.get()
    }

    private static let umaskTurns = Turns()

    /// One holder at a time, in arrival order.
    private actor Turns {
        private var held = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            guard held else {
                held = true
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty { held = false } else { waiting.removeFirst().resume() }
        }
    }

    /// What `stat` says of a path.
    struct FileInfo: Equatable {
        var mode: mode_t
        var inode: UInt64
        var modified: Double
        var isDirectory: Bool
    }

    static func info(_ path: String) -> FileInfo? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        #if canImport(Darwin)
            let modified = Double(s.st_mtimespec.tv_sec) + Double(s.st_mtimespec.tv_nsec) / 1e9
        #else
            let modified = Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) / 1e9
        #endif
        return FileInfo(
            mode: s.st_mode & 0o7777, inode: UInt64(s.st_ino), modified: modified,
            isDirectory: (s.st_mode & S_IFMT) == S_IFDIR)
    }

    static func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func writeFile(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func names(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    /// Writes an executable `#!/bin/sh` script named `name` into `folder`.
    ///
    /// The file is written through a close-on-exec descriptor: a program that another test
    /// starts meanwhile must not inherit it open for writing, or running this script would
    /// fail with ETXTBSY.
    @discardableResult
    static func script(_ name: String, in folder: URL, _ body: String) throws -> String {
        try executable(name, in: folder, "#!/bin/sh\n" + body + "\n")
    }

    /// Writes an executable file named `name` into `folder`, close-on-exec (see ``script(_:in:_:)``).
    @discardableResult
    static func executable(_ name: String, in folder: URL, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fchmod(fd, 0o755) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return path
    }

    /// A clock whose every sleep ends at once: a timeout on it fires as soon as it is armed,
    /// so a timeout path runs without waiting for real.
    struct ImmediateClock: Clock {
        struct Instant: InstantProtocol {
            var offset: Duration
            func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
            func duration(to other: Instant) -> Duration { other.offset - offset }
            static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        }

        var now: Instant { Instant(offset: .zero) }
        var minimumResolution: Duration { .zero }

        func sleep(until deadline: Instant, tolerance: Duration?) async throws {
            try Task.checkCancellation()
        }
    }
}
