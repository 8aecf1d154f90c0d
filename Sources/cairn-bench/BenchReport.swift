import Foundation

/// The figures of one benchmark: printed for people as they are measured, and gathered into
/// the one JSON object that ends the output (the line `scripts/bench.sh` reads).
struct BenchReport {
    private var fields: [(key: String, json: String)] = []

    /// Starts the report of `bench` (its name in the JSON line).
    init(bench: String) {
        fields.append(("bench", Self.quoted(bench)))
        print("== \(bench)")
    }

    /// Records a measured number and prints it with its unit.
    mutating func figure(_ key: String, _ value: Double, unit: String, _ note: String = "") {
        fields.append((key, value.isFinite ? "\(value)" : "null"))
        let shown = abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.4g", value)
        print("  \(key): \(shown) \(unit)\(note.isEmpty ? "" : "  (\(note))")")
    }

    /// Records a count and prints it.
    mutating func count(_ key: String, _ value: Int) {
        fields.append((key, "\(value)"))
        print("  \(key): \(value)")
    }

    /// Records a piece of text and prints it.
    mutating func label(_ key: String, _ value: String) {
        fields.append((key, Self.quoted(value)))
        print("  \(key): \(value)")
    }

    /// Records the process's peak resident set size so far.
    mutating func peakRSS() {
        figure("peak_rss_mib", Double(Measure.peakRSSKiB()) / 1024, unit: "MiB", "getrusage ru_maxrss")
    }

    /// Prints the JSON line; call once, last.
    func finish() {
        print("{" + fields.map { "\(Self.quoted($0.key)):\($0.json)" }.joined(separator: ",") + "}")
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
