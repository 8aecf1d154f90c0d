import Cairn
import Foundation
import Testing

/// The OTLP receiver (scripts/otlp-receiver.py) needs python3 with opentelemetry-proto;
/// .ci/run installs it. Outside CI a machine without it skips the test, saying why.
let otlpReceiverUsable: Bool = {
    guard let python = findProgram(["python3"]) else { return false }
    let probe = try? runProgram(python, ["-c", "import opentelemetry.proto.collector.trace.v1.trace_service_pb2"])
    return probe?.status == 0
}()

@Suite("cairn exports traces over OTLP", .serialized)
struct OTLPExportTests {
    @Test(
        "a run's spans reach a real OTLP receiver as one tree: run > phase > step > attempt",
        .enabled(
            if: otlpReceiverUsable || ProcessInfo.processInfo.environment["CI"] != nil,
            "python3 with opentelemetry-proto is missing (pip install opentelemetry-proto): OTLP export is not checked"))
    func spansArrive() async throws {
        let python = try #require(findProgram(["python3"]))
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let script = root.appendingPathComponent("scripts/otlp-receiver.py")
        let cli = try CLI()
        let spansFile = cli.folder.appendingPathComponent("spans.jsonl")

        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: python)
        receiver.arguments = [script.path, spansFile.path, "120"]
        let portPipe = Pipe()
        receiver.standardOutput = portPipe
        try receiver.run()
        defer { receiver.terminate() }
        let reading = portPipe.fileHandleForReading
        let portLine = try await onOwnThread {
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = reading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            return line
        }
        let port = try #require(Int(String(decoding: portLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))

        try cli.write("cairn.yaml", failingSpec)
        try cli.write("faults.yaml", failingFaults)
        let apply = try await cli.run(
            ["apply", "--faults", "faults.yaml"],
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)", "OTEL_SERVICE_NAME": "cairn-e2e"])
        #expect(apply.status == 1, "\(apply.stdout)\(apply.stderr)")

        let text = (try? String(contentsOf: spansFile, encoding: .utf8)) ?? ""
        let spans = try text.split(separator: "\n").map { try Value.parseJSON(Data($0.utf8)).mapValue ?? [:] }
        #expect(!spans.isEmpty, "no span arrived; cairn said: \(apply.stderr)")
        func named(_ name: String) -> [[String: Value]] { spans.filter { $0["name"]?.stringValue == name } }
        let byID = Dictionary(spans.map { ($0["span_id"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        func parent(_ s: [String: Value]) -> [String: Value]? { s["parent_span_id"]?.stringValue.flatMap { byID[$0] } }
        func attribute(_ s: [String: Value]?, _ key: String) -> Value? { s?["attributes"]?.mapValue?[key] }

        let runs = named("cairn.run")
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run["parent_span_id"] == "")
        #expect(attribute(run, "cairn.status") == "rolled_back")
        #expect(run["resource"]?.mapValue?["service.name"] == "cairn-e2e")
        #expect(Set(spans.compactMap { $0["trace_id"]?.stringValue }).count == 1, "every span belongs to the run's trace")

        let phases = named("cairn.phase")
        #expect(Set(phases.compactMap { attribute($0, "cairn.phase")?.stringValue }) == ["forward", "compensation"])
        #expect(phases.allSatisfy { parent($0)?["name"] == "cairn.run" })

        let steps = named("cairn.step")
        #expect(steps.count == 6)
        #expect(steps.allSatisfy { attribute(parent($0), "cairn.phase") == "forward" })
        let attach = try #require(steps.first { attribute($0, "cairn.address") == "attach" })
        #expect(attach["status"] == 2, "a failed step ends with an error status")
        let undo = named("cairn.compensate")
        #expect(!undo.isEmpty)
        #expect(undo.allSatisfy { attribute(parent($0), "cairn.phase") == "compensation" })

        let attempts = named("cairn.attempt")
        #expect(attempts.allSatisfy { ["cairn.step", "cairn.compensate"].contains(parent($0)?["name"]?.stringValue ?? "") })
        let net = try #require(steps.first { attribute($0, "cairn.address") == "net" })
        let netTries = attempts.filter { $0["parent_span_id"] == net["span_id"] }
        #expect(netTries.count >= 2, "net was throttled at least once, so it has several attempt spans")
        #expect(netTries.contains { $0["status"] == 2 })
        #expect(!text.contains("sup3r-s3cret-value"))
    }
}
