import Cairn
import Foundation
import Testing

/// A stack whose run retries (throttled and transient faults) and then fails for good on
/// `attach`, so it is rolled back; `dns` carries a sensitive variable's value.
let failingSpec = """
    stack: obs
    variables:
      secret: { default: "sup3r-s3cret-value", sensitive: true }
    defaults:
      retry: { max_attempts: 8, initial_delay: 5ms, max_delay: 20ms, max_elapsed: 30s }
    resources:
      net:
        type: sim.network
        properties: { cidr: 10.0.0.0/16 }
      subnet:
        type: sim.subnet
        properties: { network_id: "${net.id}", cidr: 10.0.1.0/24 }
      vol:
        type: sim.volume
        properties: { size_gb: 10, zone: a }
      vm:
        type: sim.instance
        properties: { subnet_id: "${subnet.id}", image: debian-12, size: small }
      dns:
        type: sim.dns_record
        properties: { zone: example.test, name: web, value: "${var.secret}" }
      attach:
        type: sim.attachment
        properties: { volume_id: "${vol.id}", instance_id: "${vm.id}" }
    """

let failingFaults = """
    seed: 7
    latency: { min: 1ms, max: 3ms }
    rules:
      - match: { address: attach }
        permanent: true
      - match: { type: sim.network, operation: create }
        throttle: 0.9
        retry_after: 10ms
      - match: { type: sim.subnet, operation: create }
        transient: 0.6
    """

/// Whether a program is on the PATH (or at an absolute path).
func findProgram(_ names: [String]) -> String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    for name in names {
        if name.hasPrefix("/") { if FileManager.default.isExecutableFile(atPath: name) { return name } else { continue } }
        for dir in paths where FileManager.default.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
    }
    return nil
}

/// Runs a program to its end and returns its exit status and standard output.
@discardableResult
func runProgram(_ path: String, _ arguments: [String], in folder: URL? = nil) throws -> (status: Int32, out: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("cairn observability end to end", .serialized)
struct ObservabilityCLITests {
    /// A folder with the failing stack applied once (exit 1, rolled back).
    static func appliedFailingRun(extra: [String] = [], environment: [String: String] = [:]) async throws -> (CLI, CLI.Output) {
        let cli = try CLI()
        try cli.write("cairn.yaml", failingSpec)
        try cli.write("faults.yaml", failingFaults)
        let apply = try await cli.run(["apply", "--faults", "faults.yaml"] + extra, environment: environment)
        return (cli, apply)
    }

    @Test("--log-file writes JSON lines with every step's identity; --metrics-file writes Prometheus text atomically")
    func logsAndMetricsFiles() async throws {
        let (cli, apply) = try await Self.appliedFailingRun(extra: ["--log-file", "run.jsonl", "--metrics-file", "cairn.prom"])
        #expect(apply.status == 1, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("rolled back"))

        let lines = try String(contentsOf: cli.folder.appendingPathComponent("run.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try Value.parseJSON(Data($0.utf8)).mapValue ?? [:] }
        let steps = lines.filter { $0["address"] != nil }
        #expect(steps.count >= 12)
        for record in steps {
            for key in ["run_id", "step", "address", "type", "action", "attempt", "outcome", "error_class", "duration_ms", "time", "level"] {
                #expect(record[key] != nil, "a step record lacks \(key): \(record)")
            }
        }
        #expect(steps.contains { $0["outcome"] == "retrying" && $0["error_class"] == "throttled" })
        let failed = steps.first { $0["address"] == "attach" && $0["outcome"] == "failed" }
        #expect(failed?["error_class"] == "permanent")
        #expect(failed?["error"]?.stringValue?.isEmpty == false, "a failed step's record says why: \(String(describing: failed))")
        #expect(steps.contains { $0["outcome"] == "retrying" && $0["error"] != nil })
        #expect(steps.contains { $0["phase"] == "compensation" && $0["outcome"] == "ok" })
        #expect(lines.contains { $0["message"] == "run finished" && $0["status"] == "rolled_back" })
        let all = try String(contentsOf: cli.folder.appendingPathComponent("run.jsonl"), encoding: .utf8)
        #expect(!all.contains("sup3r-s3cret-value"))

        let prom = try String(contentsOf: cli.folder.appendingPathComponent("cairn.prom"), encoding: .utf8)
        #expect(prom.contains("# TYPE cairn_steps_total counter"))
        #expect(prom.contains("cairn_retries_total{type=\"sim.network\",error_class=\"throttled\"}"))
        #expect(prom.contains("cairn_runs_total{operation=\"apply\",status=\"rolled_back\"} 1"))
        #expect(prom.contains("cairn_compensations_total{"))
        #expect(prom.contains("cairn_step_duration_seconds_bucket{"))
        #expect(!prom.contains("=\"attach\"") && !prom.contains("sup3r"), "no address or secret in labels")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("--log-format json puts JSON lines on standard error")
    func jsonOnStandardError() async throws {
        let (_, apply) = try await Self.appliedFailingRun(extra: ["--log-format", "json"])
        let records = apply.stderr.split(separator: "\n").compactMap { try? Value.parseJSON(Data($0.utf8)).mapValue }
        #expect(records.count >= 10)
        #expect(records.contains { $0["message"] == "step succeeded" && $0["level"] == "info" })
    }

    @Test("log tells the trail in order, with the compensation, and hides sensitive values")
    func humanLog() async throws {
        let (cli, _) = try await Self.appliedFailingRun()
        let log = try await cli.run("log")
        #expect(log.status == 0, "\(log.stderr)")
        let text = log.stdout
        for phrase in ["▶ run started: apply", "dns: intends to create sim.dns_record", "↻ net: attempt 1 failed (throttled",
            "✗ attach: create failed", "↶ rollback started", "compensation starts: delete it", "■ run finished: rolled_back"]
        {
            #expect(text.contains(phrase), "log lacks \(phrase):\n\(text)")
        }
        let order = ["run started", "rollback started", "run finished"].map { text.range(of: $0)?.lowerBound }
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted() && order.allSatisfy { $0 != nil })
        #expect(text.contains("value=\"(sensitive)\""))
        #expect(!text.contains("sup3r-s3cret-value"))
        let json = try await cli.run("log", "--json")
        #expect(!json.stdout.contains("sup3r-s3cret-value"))
        let events = try json.stdout.split(separator: "\n").map { try Value.parseJSON(Data($0.utf8)) }
        #expect(events.first?.mapValue?["kind"] == "run_started")
        #expect(events.last?.mapValue?["kind"] == "run_finished")
    }

    @Test("graph prints the plan's dependency graph as DOT and as Mermaid")
    func graph() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", failingSpec)
        let dot = try await cli.run("graph")
        #expect(dot.status == 0, "\(dot.stderr)")
        #expect(dot.stdout.hasPrefix("digraph \"obs\" {"))
        #expect(dot.stdout.contains("\"net\" -> \"subnet\";"))
        #expect(dot.stdout.contains("\"vm\" -> \"attach\";"))
        #expect(dot.stdout.contains("sim.instance · create"))
        let mermaid = try await cli.run("graph", "--format", "mermaid")
        #expect(mermaid.stdout.hasPrefix("flowchart LR"))
        #expect(mermaid.stdout.contains("n0 --> n1"))
        #expect(try await cli.run("graph", "--format", "svg").status == 2)
    }

    @Test(
        "report writes one self-contained HTML file that Chromium renders",
        .enabled(
            if: findProgram(["chromium", "chromium-browser", "google-chrome"]) != nil,
            "Chromium is not installed (apt-get install -y chromium): the report's rendering is not checked"))
    func report() async throws {
        let chromium = try #require(findProgram(["chromium", "chromium-browser", "google-chrome"]))
        let (cli, _) = try await Self.appliedFailingRun()
        let made = try await cli.run("report", "--out", "run.html")
        #expect(made.status == 0, "\(made.stderr)")
        let page = cli.folder.appendingPathComponent("run.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains(" src="), "the report must be self-contained")
        #expect(!html.contains("sup3r-s3cret-value"))

        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
        let shot = cli.folder.appendingPathComponent("run.png")
        _ = try await onOwnThread {
            try runProgram(chromium, flags + ["--screenshot=\(shot.path)", "--window-size=1280,1400", page.absoluteString])
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "the screenshot is missing or empty")

        let dom = try await onOwnThread { try runProgram(chromium, flags + ["--dump-dom", page.absoluteString]).out }
        #expect(dom.contains("id=\"timeline\""))
        for address in ["net", "subnet", "vol", "vm", "dns", "attach"] {
            #expect(dom.contains("class=\"track forward") && dom.contains("data-address=\"\(address)\""), "no row for \(address)")
        }
        #expect(dom.contains("data-address=\"attach\" data-type=\"sim.attachment\" data-action=\"create\" data-outcome=\"failed\""))
        #expect(dom.contains("class=\"track compensation"))
        #expect(dom.contains("class=\"attempt retried\""))
        #expect(dom.contains("data-kind=\"throttled\""))
        #expect(dom.contains("id=\"critical-path\""))
        #expect(dom.contains("<td><code>sim.network</code></td>"))
        #expect(dom.contains("rolled back"))
    }
}
