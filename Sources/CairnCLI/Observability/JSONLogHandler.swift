import Cairn
import Foundation
import Logging

/// Writes each record as one JSON object per line, as ``JSONLogLine`` renders it: `time`
/// (ISO 8601, milliseconds), `level`, `label`, `message`, then the metadata's keys.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .info
    let label: String
    let sink: LogSink

    init(label: String, sink: LogSink, level: Logger.Level) {
        self.label = label
        self.sink = sink
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        sink.write(
            JSONLogLine.render(
                time: RunEventTime.now.date, level: event.level, label: label, message: "\(event.message)",
                metadata: LogSink.merged(metadata, metadataProvider, event),
                error: event.error.map { "\($0)" }))
    }
}
