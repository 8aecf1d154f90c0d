import Cairn
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("cairn drift and reconcile, end to end", .serialized)
struct DriftCLITests {
    /// The id of the first resource of `type` in the simulated world.
    private func id(_ cli: CLI, type: String) async throws -> String {
        let item = try #require(try await cli.inventory().first { $0.mapValue?["type"] == .string(type) })
        return try #require(item.mapValue?["id"]?.stringValue)
    }

    @Test("drift --detailed-exitcode exits 0 in sync and 5 on drift; plan marks it; reconcile converges")
    func driftExitCodes() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        #expect(try await cli.run("apply", "--auto-approve").status == 0)

        let inSync = try await cli.run("drift", "--detailed-exitcode")
        #expect(inSync.status == 0, "\(inSync.stdout)\(inSync.stderr)")
        #expect(inSync.stdout.contains("No drift"))

        #expect(try await cli.run("sim", "edit", try id(cli, type: "sim.dns_record"), "--set", "value=6.6.6.6").status == 0)
        #expect(try await cli.run("sim", "remove", try id(cli, type: "sim.volume")).status == 0)
        let drifted = try await cli.run("drift", "--detailed-exitcode", "--json")
        #expect(drifted.status == 5, "\(drifted.stdout)\(drifted.stderr)")
        let report = try drifted.json().mapValue ?? [:]
        let entries = report["drifted"]?.listValue ?? []
        #expect(Set(entries.compactMap { $0.mapValue?["address"]?.stringValue }) == ["dns", "vol"])
        #expect(report["in_sync"] == 4)
        #expect(entries.first { $0.mapValue?["address"] == "vol" }?.mapValue?["missing"] == true)
        #expect(try await cli.run("drift").status == 0, "without --detailed-exitcode drift is not an error")

        let plan = try await cli.run("plan", "--json")
        let changes = try plan.json().mapValue?["changes"]?.listValue ?? []
        let dns = try #require(changes.first { $0.mapValue?["address"] == "dns" }?.mapValue)
        #expect(dns["changed_outside"] == true)
        #expect(dns["fields"]?.listValue?.first?.mapValue?["changed_outside"] == true)
        #expect(try await cli.run("plan").stdout.contains("# changed outside Cairn"))

        let refused = try await cli.run("reconcile")
        #expect(refused.status == 2, "replacing the attachment needs approval: \(refused.stderr)")
        let reconcile = try await cli.run("reconcile", "--auto-approve")
        #expect(reconcile.status == 0, "\(reconcile.stdout)\(reconcile.stderr)")
        #expect(reconcile.stdout.contains("Verified:"))
        #expect(try await cli.run("drift", "--detailed-exitcode").status == 0)
    }

    @Test("apply --json gains a verify section and the planned counts")
    func applyVerifySection() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        let apply = try await cli.run("apply", "--json")
        let result = try apply.json().mapValue ?? [:]
        #expect(result["verify"]?.mapValue?["checked"] == 6)
        #expect(result["verify"]?.mapValue?["in_sync"] == 6)
        #expect(result["verify"]?.mapValue?["mismatched"] == [])
        #expect(result["planned"]?.mapValue?["create"] == 6)
        let unverified = try await cli.run("apply", "--json", "--no-verify")
        #expect(unverified.status == 0)
        #expect(try await cli.run("apply", "--no-verify", "--verify-each-level").status == 2)
    }

    @Test("reconcile --watch stops cleanly on SIGTERM")
    func watchStopsOnSigterm() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        #expect(try await cli.run("apply", "--auto-approve").status == 0)
        let watch = try cli.spawn("reconcile", "--watch", "--interval", "1s")
        #expect(
            await watch.wait(upTo: 20) { watch.stdout.contains("pass 1 ") },
            "no pass reported: \(watch.stdout)\(watch.stderr)")
        watch.send(SIGTERM)
        let status = await watch.exitStatus(within: 5)
        #expect(status == 0, "\(watch.stdout)\(watch.stderr)")
        #expect(watch.stdout.contains("Stopped."))
    }

    @Test("reconcile --watch --metrics-port serves the passes' metrics at /metrics and 404 elsewhere")
    func watchServesMetrics() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        #expect(try await cli.run("apply", "--auto-approve").status == 0)
        #expect(try await cli.run("sim", "edit", try id(cli, type: "sim.dns_record"), "--set", "value=6.6.6.6").status == 0)
        let watch = try cli.spawn("reconcile", "--watch", "--interval", "1s", "--auto-approve", "--metrics-port", "0")
        defer { if watch.process.isRunning { watch.process.terminate() } }
        #expect(
            await watch.wait(upTo: 20) { watch.stdout.contains("pass 1 ") && watch.stdout.contains("Serving metrics at ") },
            "no pass or no endpoint reported: \(watch.stdout)\(watch.stderr)")
        let line = try #require(watch.stdout.split(separator: "\n").first { $0.hasPrefix("Serving metrics at ") })
        let url = try #require(URL(string: String(line.dropFirst("Serving metrics at ".count))))

        let (body, response) = try await URLSession.shared.data(from: url)
        let text = String(decoding: body, as: UTF8.self)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain") == true)
        #expect(text.contains("cairn_drift_checks_total"), "\(text)")
        #expect(text.contains(#"cairn_steps_total{type="sim.dns_record",action="update",outcome="ok",phase="forward"} 1"#), "\(text)")
        #expect(!text.contains("6.6.6.6"), "no property value is a label")

        let elsewhere = url.deletingLastPathComponent().appendingPathComponent("other")
        let (_, missing) = try await URLSession.shared.data(from: elsewhere)
        #expect((missing as? HTTPURLResponse)?.statusCode == 404)

        let taken = try await cli.run("reconcile", "--watch", "--metrics-port", "\(try #require(url.port))")
        #expect(taken.status == 2, "a port in use fails before any pass: \(taken.stdout)\(taken.stderr)")
        #expect(taken.stderr.contains("pick another --metrics-port"), "\(taken.stderr)")
        #expect(!taken.stdout.contains("pass 1"))

        watch.send(SIGTERM)
        #expect(await watch.exitStatus(within: 5) == 0, "\(watch.stdout)\(watch.stderr)")
    }

    @Test("--metrics-port without --watch is refused with a hint")
    func metricsPortNeedsWatch() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        let refused = try await cli.run("reconcile", "--metrics-port", "9464")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--metrics-file"), "\(refused.stderr)")
    }
}
