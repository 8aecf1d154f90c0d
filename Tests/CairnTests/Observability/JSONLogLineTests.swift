import Cairn
import Foundation
import Logging
import Testing

@Suite("JSON log lines")
struct JSONLogLineTests {
    static let time = Date(timeIntervalSince1970: 1_795_000_000.25)

    @Test("fixed fields first, then metadata sorted; an error in metadata is kept; text is escaped")
    func shape() throws {
        let line = JSONLogLine.render(
            time: Self.time, level: .warning, label: "cairn.run", message: "attempt 1 failed; retrying",
            metadata: ["outcome": "retrying", "error": "503 \"busy\"\n", "address": "net", "nested": ["a": ["1", "2"]]])
        #expect(
            line == #"{"time":"2026-11-18T11:06:40.250Z","level":"warning","label":"cairn.run","message":"attempt 1 failed; retrying","#
                + #""address":"net","error":"503 \"busy\"\n","nested":{"a":["1","2"]},"outcome":"retrying"}"#)
        let parsed = try Value.parseJSON(Data(line.utf8)).mapValue ?? [:]
        #expect(parsed["error"] == "503 \"busy\"\n")
    }

    @Test("a record's own error wins over metadata's, and metadata cannot overwrite the fixed fields")
    func reserved() throws {
        let line = JSONLogLine.render(
            time: Self.time, level: .error, label: "l", message: "m",
            metadata: ["error": "from metadata", "level": "debug", "time": "never"], error: "own")
        let parsed = try Value.parseJSON(Data(line.utf8)).mapValue ?? [:]
        #expect(parsed["error"] == "own")
        #expect(parsed["level"] == "error")
        #expect(parsed["time"] == "2026-11-18T11:06:40.250Z")
        #expect(line.components(separatedBy: "\"error\":").count == 2, "one error key: \(line)")
    }
}
