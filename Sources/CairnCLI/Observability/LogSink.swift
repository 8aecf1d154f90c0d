import Foundation
import Logging
import Synchronization

/// Where log lines go: standard error or a file, one whole line per write, never interleaved.
final class LogSink: Sendable {
    private let handle: Mutex<FileHandle>

    init(handle: FileHandle) { self.handle = Mutex(handle) }

    /// Standard error.
    static let standardError = LogSink(handle: .standardError)

    /// A file, created when missing and appended to otherwise.
    static func file(_ path: String) throws -> LogSink {
        let url = URL(fileURLWithPath: path)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw UsageError("cannot create the log file \(path): check that its folder exists and is writable")
            }
        }
        do {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            return LogSink(handle: handle)
        } catch {
            throw UsageError("cannot open the log file \(path): \(error.localizedDescription)")
        }
    }

    func write(_ line: String) {
        var text = line
        text += "\n"
        handle.withLock { handle in
            let fd = handle.fileDescriptor
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
        }
    }

    /// The metadata of one record as a handler writes it: the record's own wins over the
    /// provider's, which wins over the handler's. Without handler metadata or a provider (the
    /// CLI's case) the record's own is used as is, with no copy.
    static func merged(
        _ handler: Logger.Metadata, _ provider: Logger.MetadataProvider?, _ event: LogEvent
    ) -> Logger.Metadata {
        guard !handler.isEmpty || provider != nil else { return event.metadata ?? [:] }
        var merged = handler
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        return merged
    }
}
