import Foundation
import Logging

/// One log record as one line of JSON: `time` (ISO 8601, UTC, milliseconds), `level`, `label`,
/// `message` and `error` (when the record has one) first, then the metadata with its keys sorted
/// (nested metadata as JSON arrays and objects; a metadata key that repeats one of those fields
/// is left out, so `error` in metadata is kept unless the record has its own).
///
/// A formatter, not a backend: the CLI's `--log-format json` / `--log-file` handlers use it, and
/// so can any `LogHandler` a program installs. Written by hand because it runs at least once per
/// step: it costs a few microseconds, where `JSONSerialization` and `Date.ISO8601FormatStyle`
/// cost tens to hundreds on Linux.
public enum JSONLogLine {
    private static let reserved: Set<String> = ["time", "level", "label", "message"]

    /// The line for one record (without the trailing newline).
    public static func render(
        time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, error: String? = nil
    ) -> String {
        var out = "{\"time\":\""
        out.reserveCapacity(128 + metadata.count * 32)
        out += timestamp(time)
        out += "\",\"level\":\""
        out += level.rawValue
        out += "\",\"label\":"
        quote(label, &out)
        out += ",\"message\":"
        quote(message, &out)
        if let error {
            out += ",\"error\":"
            quote(error, &out)
        }
        for key in metadata.keys.sorted() where !reserved.contains(key) && (error == nil || key != "error") {
            out += ","
            quote(key, &out)
            out += ":"
            append(metadata[key]!, to: &out)
        }
        out += "}"
        return out
    }

    /// `2026-11-29T05:44:34.291Z`.
    public static func timestamp(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var seconds = time_t(t.rounded(.down))
        let millis = min(999, max(0, Int(((t - Double(seconds)) * 1000).rounded(.down))))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out = ""
        out.reserveCapacity(24)
        pad(Int(parts.tm_year) + 1900, 4, &out)
        out += "-"
        pad(Int(parts.tm_mon) + 1, 2, &out)
        out += "-"
        pad(Int(parts.tm_mday), 2, &out)
        out += "T"
        pad(Int(parts.tm_hour), 2, &out)
        out += ":"
        pad(Int(parts.tm_min), 2, &out)
        out += ":"
        pad(Int(parts.tm_sec), 2, &out)
        out += "."
        pad(millis, 3, &out)
        out += "Z"
        return out
    }

    private static func pad(_ n: Int, _ width: Int, _ out: inout String) {
        let digits = String(n)
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }

    private static func append(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let s): quote(s, &out)
        case .stringConvertible(let c): quote(c.description, &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                append(item, to: &out)
            }
            out += "]"
        case .dictionary(let entries):
            out += "{"
            for (i, key) in entries.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                quote(key, &out)
                out += ":"
                append(entries[key]!, to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ s: String, _ out: inout String) {
        Value.appendJSONString(s, to: &out)
    }
}
