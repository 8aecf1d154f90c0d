import Cairn
import Foundation
import Logging

/// Writes each record as one line a person reads: time, level, message, then `key=value`
/// metadata in a fixed order (the step's identity first).
struct HumanLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .info
    let sink: LogSink

    /// Keys shown first, in this order; the rest follow sorted.
    static let leading = ["run_id", "address", "type", "action", "attempt", "outcome", "error_class", "duration_ms"]

    init(sink: LogSink, level: Logger.Level) {
        self.sink = sink
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = LogSink.merged(metadata, metadataProvider, event)
        let time = String(JSONLogLine.timestamp(RunEventTime.now.date).dropFirst(11).dropLast())
        var line = "\(time) \(event.level.rawValue.uppercased()) \(event.message)"
        let rest = merged.keys.filter { !Self.leading.contains($0) }.sorted()
        for key in Self.leading.filter({ merged[$0] != nil }) + rest {
            line += " \(key)=\(Self.quoted("\(merged[key]!)"))"
        }
        if let error = event.error { line += " error=\(Self.quoted("\(error)"))" }
        sink.write(line)
    }

    static func quoted(_ s: String) -> String {
        s.isEmpty || s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"\(s.replacingOccurrences(of: "\"", with: "\\\""))\"" : s
    }
}
