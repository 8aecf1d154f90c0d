import Cairn
import CairnSQLite
import Foundation
import Testing

let webSpec = """
    stack: e2e
    resources:
      net:
        type: sim.network
        properties: { cidr: 10.0.0.0/16 }
      subnet:
        type: sim.subnet
        properties: { network_id: "${net.id}", cidr: 10.0.1.0/24 }
      vol:
      <<VOL>>
      vm:
        type: sim.instance
        properties: { subnet_id: "${subnet.id}", image: debian-12, size: <<SIZE>> }
      attach:
        type: sim.attachment
        properties: { volume_id: "${vol.id}", instance_id: "${vm.id}" }
    <<DNS>>
    """

func spec(size: String = "small", volumeGB: Int = 10, dns: Bool = true) -> String {
    webSpec
        .replacingOccurrences(of: "<<VOL>>", with: "  type: sim.volume\n    properties: { size_gb: \(volumeGB), zone: a }")
        .replacingOccurrences(of: "<<SIZE>>", with: size)
        .replacingOccurrences(
            of: "<<DNS>>",
            with: dns ? "  dns:\n    type: sim.dns_record\n    properties: { zone: example.test, name: web, value: \"${vm.address}\" }" : "")
}

@Suite("cairn end to end", .serialized)
struct EndToEndTests {
    @Test("plan, apply, apply again, edit, saved plan, stale plan, destroy")
    func lifecycle() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())

        let plan = try await cli.run("plan", "--json")
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try plan.json().mapValue?["summary"]?.mapValue?["create"] == 6)

        let apply = try await cli.run("apply", "--json")
        #expect(apply.status == 0, "\(apply.stderr)")
        let applied = try apply.json().mapValue ?? [:]
        #expect(applied["status"] == "succeeded")
        #expect(applied["summary"]?.mapValue?["create"] == 6)
        #expect(try await cli.inventory().count == 6)

        // Again: no changes, and no mutating call (the world is unchanged).
        let again = try await cli.run("plan", "--detailed-exitcode")
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("No changes"))
        let inventoryBefore = try await cli.inventory()
        #expect(try await cli.run("apply").status == 0)
        #expect(try await cli.inventory() == inventoryBefore)

        // Grow the volume, resize the instance, drop the DNS record: exactly those changes.
        try cli.write("cairn.yaml", spec(size: "large", volumeGB: 20, dns: false))
        let edited = try await cli.run("plan", "--json", "--detailed-exitcode")
        #expect(edited.status == 5)
        let changes = try edited.json().mapValue?["changes"]?.listValue ?? []
        let actions = Dictionary(uniqueKeysWithValues: changes.compactMap { c -> (String, String)? in
            guard let m = c.mapValue, let a = m["address"]?.stringValue, let act = m["action"]?.stringValue else { return nil }
            return (a, act)
        })
        #expect(actions == ["vol": "update", "vm": "update", "dns": "delete"])
        let volFields = changes.first { $0.mapValue?["address"] == "vol" }?.mapValue?["fields"]?.listValue ?? []
        #expect(volFields == [["path": "size_gb", "before": 10, "after": 20]])

        // A deletion needs approval: without a terminal or --auto-approve nothing happens.
        let refused = try await cli.run("apply")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--auto-approve"))

        // Saved plan: applies exactly; a second apply of the same file is stale.
        #expect(try await cli.run("plan", "--out", "p.plan").status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: cli.folder.appendingPathComponent("p.plan").path)[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
        let saved = try await cli.run("apply", "p.plan", "--json")
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(try saved.json().mapValue?["summary"]?.mapValue == ["create": 0, "update": 2, "replace": 0, "delete": 1])
        let stale = try await cli.run("apply", "p.plan")
        #expect(stale.status == 2)
        #expect(stale.stderr.contains("stale"))

        // An altered plan file is refused.
        try cli.write("cairn.yaml", spec(size: "medium", volumeGB: 20, dns: false))
        #expect(try await cli.run("plan", "--out", "q.plan").status == 0)
        var bytes = try Data(contentsOf: cli.folder.appendingPathComponent("q.plan"))
        bytes[bytes.count - 3] = UInt8(ascii: "X")
        try bytes.write(to: cli.folder.appendingPathComponent("q.plan"))
        let altered = try await cli.run("apply", "q.plan")
        #expect(altered.status == 2)
        #expect(altered.stderr.contains("checksum"))

        // Destroy: needs approval, then everything this stack made is gone.
        #expect(try await cli.run("destroy").status == 2)
        let destroy = try await cli.run("destroy", "--auto-approve", "--json")
        #expect(destroy.status == 0, "\(destroy.stderr)")
        #expect(try await cli.inventory().isEmpty)
        let status = try await cli.run("status", "--json").json().mapValue ?? [:]
        #expect(status["resources"]?.listValue?.isEmpty == true)
        #expect((status["runs"]?.listValue?.count ?? 0) >= 3)
    }

    @Test("--quiet shows the plan's summary and what it destroys, not every field")
    func quietPlan() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        let first = try await cli.run("apply", "--quiet")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Plan: 6 to create"))
        #expect(!first.stdout.contains("size_gb"), "fields are left out: \(first.stdout)")
        #expect(!first.stdout.contains("+ vm"), "creations are not listed one by one")

        try cli.write("cairn.yaml", spec(dns: false))
        let second = try await cli.run("apply", "--quiet", "--auto-approve")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("- dns"), "a deletion is always named: \(second.stdout)")
        #expect(second.stdout.contains("1 to delete"))
    }

    @Test("a second apply while the stack is locked exits 3 and names the holder")
    func locked() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        #expect(try await cli.run("validate").status == 0)
        let store = try SQLiteStore(path: cli.folder.appendingPathComponent(".cairn/state.db").path)
        let pid = ProcessInfo.processInfo.processIdentifier
        _ = try await store.acquireLease(
            LeaseRequest(
                stack: "e2e", holder: "ci-job-17", host: ProcessInfo.processInfo.hostName, pid: pid, now: Date(),
                duration: .seconds(600), mayTakeOver: { _ in false }))
        let second = try await cli.run("apply")
        #expect(second.status == 3)
        #expect(second.stderr.contains("ci-job-17"))
        #expect(second.stderr.contains("pid \(pid)"))
        #expect(try await cli.inventory().isEmpty)
        #expect(try await cli.run("unlock", "--force").status == 0)
        #expect(try await cli.run("apply").status == 0)
    }

    @Test("a lease whose holder process is gone is taken over at once")
    func deadHolder() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        #expect(try await cli.run("validate").status == 0)
        let store = try SQLiteStore(path: cli.folder.appendingPathComponent(".cairn/state.db").path)
        _ = try await store.acquireLease(
            LeaseRequest(
                stack: "e2e", holder: "crashed run", host: ProcessInfo.processInfo.hostName, pid: Int32.max - 7,
                now: Date(), duration: .seconds(600), mayTakeOver: { _ in false }))
        #expect(try await cli.run("apply").status == 0)
    }

    @Test("bad input exits 2 with file:line:column and changes nothing")
    func badInput() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", "stack: e2e\nresources:\n  net:\n    type: sim.network\n    properties: { cidr: 10.0.0.0/99 }\n")
        let result = try await cli.run("apply")
        #expect(result.status == 2)
        #expect(result.stderr.contains("cairn.yaml:5:"))
        #expect(try await cli.inventory().isEmpty)
        #expect(try await cli.run("plan", "--parallelism", "0").status == 2)
        #expect(try await cli.run("apply", "--parallelism", "0").status == 2)
    }

    @Test("a spec on standard input (-f -, /dev/stdin, a pipe) works from the current folder; its errors name <stdin>")
    func specFromStandardInput() async throws {
        let cli = try CLI()
        let text = "stack: e2e\nresources:\n  net:\n    type: sim.network\n    properties: { cidr: 10.0.0.0/16 }\n"
        // Standard input redirected from a file: /dev/stdin leads to a regular file, whose
        // folder (/dev) must not receive the state.
        let validated = try await cli.run(["validate", "-f", "/dev/stdin"], input: text)
        #expect(validated.status == 0, "\(validated.stderr)")
        #expect(validated.stdout.contains("/dev/stdin is valid"))
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent(".cairn").path), "validate writes nothing")
        #expect(try await cli.run(["apply", "-f", "/dev/stdin", "--auto-approve"], input: text).status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent(".cairn/state.db").path))
        #expect(try await cli.run(["plan", "-f", "-"], input: text).stdout.contains("No changes"))
        #expect(try await cli.inventory().count == 1)

        // From a pipe.
        try cli.write("piped.yaml", text + "  net2:\n    type: sim.network\n    properties: { cidr: 10.1.0.0/16 }\n")
        let shell = try cli.cairnProcess([])
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "cat piped.yaml | \"$0\" apply -f - --auto-approve --quiet", CLI.binary.path]
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        let piped = try await onOwnThread {
            try shell.run()
            shell.waitUntilExit()
            return shell.terminationStatus
        }
        #expect(piped == 0)
        #expect(try await cli.inventory().count == 2)

        let bad = try await cli.run(["plan", "-f", "-"], input: "stack: e2e\nresources:\n  net: { type: sim.nope }\n")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("<stdin>:3:"), "\(bad.stderr)")
        let empty = try await cli.run(["validate", "-f", "-"], input: "")
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("<stdin>"))
        let watch = try await cli.run(["reconcile", "--watch", "-f", "-"], input: text)
        #expect(watch.status == 2)
        #expect(watch.stderr.contains("can be read only once"))

        // A spec in a folder under /dev (tmpfs /dev/shm) is a file like any other.
        if FileManager.default.isWritableFile(atPath: "/dev/shm") {
            let folder = URL(fileURLWithPath: "/dev/shm/cairn-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try text.write(to: folder.appendingPathComponent("cairn.yaml"), atomically: true, encoding: .utf8)
            #expect(try await cli.run("plan", "-f", folder.appendingPathComponent("cairn.yaml").path).status == 0)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".cairn/state.db").path))
        }
    }

    @Test("retries under injected faults are shown and succeed")
    func faults() async throws {
        let cli = try CLI()
        try cli.write("cairn.yaml", spec())
        try cli.write("faults.yaml", "seed: 3\nrules:\n  - match: { operation: create }\n    transient: 0.5\n")
        let result = try await cli.run("apply", "--faults", "faults.yaml")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("retrying in"))
        #expect(try await cli.inventory().count == 6)
    }
}
