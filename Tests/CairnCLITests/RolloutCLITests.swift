import Cairn
import Foundation
import Testing

@Suite("cairn: flags files, fleets and waves end to end", .serialized)
struct RolloutCLITests {
    static let spec = """
        stack: e2e-rollout
        flags:
          cdn: { default: true }
        resources:
          net:
            type: sim.network
            properties: { cidr: 10.0.0.0/16 }
          subnet:
            type: sim.subnet
            properties: { network_id: "${net.id}", cidr: 10.0.1.0/24 }
          web:
            type: sim.instance
            count: 4
            properties: { subnet_id: "${subnet.id}", image: debian-12, size: small }
            rollout: { waves: [1, 100%], max_failures: 0 }
          cdn:
            type: sim.cdn
            when: flag.cdn
            properties: { origin: "${web[0].address}" }
        """

    @Test("apply rolls out in waves (JSON shows them); plan --flags-file shows what a flag would change, and why")
    func waves() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", Self.spec)
        let plan = try await cli.run("plan", "--json")
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try plan.json().mapValue ?? [:]
        #expect(
            planned["rollouts"]?.listValue?.first?.mapValue?["waves"] == [["web[0]"], ["web[1]", "web[2]", "web[3]"]])
        let web3 = planned["changes"]?.listValue?.first { $0.mapValue?["address"] == "web[3]" }
        #expect(web3?.mapValue?["wave"] == 2)

        let apply = try await cli.run("apply", "--json", "--no-verify")
        #expect(apply.status == 0, "\(apply.stderr)")
        let waves = try apply.json().mapValue?["waves"]?.listValue ?? []
        #expect(waves.map { $0.mapValue?["status"] } == ["passed", "passed"])
        #expect(try await cli.inventory().filter { $0.mapValue?["type"] == "sim.instance" }.count == 4)
        let log = try await cli.run("log", "--json")
        #expect(log.stdout.split(separator: "\n").contains { $0.contains("\"kind\":\"gate\"") })

        try cli.write("flags.yaml", "cdn: false\n")
        let off = try await cli.run("plan", "--json", "--flags-file", "flags.yaml")
        #expect(off.status == 0, "\(off.stderr)")
        let change = try off.json().mapValue?["changes"]?.listValue?.first?.mapValue ?? [:]
        #expect(change["address"] == "cdn" && change["action"] == "delete")
        #expect(change["cause"] == "flag.cdn is false")
        // --flag wins over the file.
        let on = try await cli.run("plan", "--detailed-exitcode", "--flags-file", "flags.yaml", "--flag", "cdn=true")
        #expect(on.status == 0, "\(on.stdout)\(on.stderr)")
    }

    @Test("a flags file with an undeclared flag is refused with exit 2, naming the file's line")
    func badFlagsFile() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", Self.spec)
        try cli.write("flags.yaml", "cdn: true\ncnd: false\n")
        let result = try await cli.run("plan", "--flags-file", "flags.yaml")
        #expect(result.status == 2)
        #expect(result.stderr.contains("flags.yaml:2:1"), "\(result.stderr)")
        #expect(result.stderr.contains("Did you mean `cdn`"), "\(result.stderr)")
    }
}
