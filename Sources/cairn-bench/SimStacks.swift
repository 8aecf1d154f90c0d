import Cairn

/// The simulated-cloud stacks the benchmarks run, built in Swift (and as YAML text, to time
/// the spec loader on the same shape).
enum SimStacks {
    /// `n` independent `sim.network` resources `net<i>`, each with its own /24.
    static func wide(_ n: Int, name: String = "wide") -> Stack {
        Stack(name: name, resources: (0..<n).map { Resource(address: "net\($0)", type: "sim.network", properties: network($0)) })
    }

    /// The properties of `net<i>`: a distinct CIDR (up to 65,536 of them) and a name.
    static func network(_ i: Int) -> [String: Value] {
        ["cidr": .string("10.\((i / 256) % 256).\(i % 256).0/24"), "name": .string("net-\(i)")]
    }

    /// The state of ``wide(_:name:)`` as if it had been applied: every resource recorded with
    /// exactly the declared properties, so that a plan against it is all no-ops.
    static func recordedWide(_ n: Int, name: String = "wide") -> StackState {
        var state = StackState(stack: name, serial: 1)
        state.resources.reserveCapacity(n)
        for i in 0..<n {
            let address = "net\(i)"
            state.resources[address] = RecordedResource(
                address: address, type: "sim.network", id: "net-" + String(i, radix: 16), properties: network(i),
                outputs: [:])
        }
        return state
    }

    /// `n` `sim.service` resources `s<i>`, each naming the previous one's id in its endpoint,
    /// so that each step can only start once the one before it is done.
    static func chain(_ n: Int, name: String = "chain") -> Stack {
        Stack(
            name: name,
            resources: (0..<n).map { i in
                let endpoint = i == 0 ? "https://origin.test" : "https://${s\(i - 1).id}.test"
                return Resource(
                    address: "s\(i)", type: "sim.service", properties: ["name": .string("s\(i)"), "endpoint": .string(endpoint)])
            })
    }

    /// ``wide(_:name:)`` written as a YAML spec.
    static func wideYAML(_ n: Int, name: String = "wide") -> String {
        var text = "stack: \(name)\nresources:\n"
        text.reserveCapacity(n * 80)
        for i in 0..<n {
            let p = network(i)
            text += "  net\(i):\n    type: sim.network\n"
            text += "    properties: { cidr: \(p["cidr"]!.stringValue!), name: \(p["name"]!.stringValue!) }\n"
        }
        return text
    }
}
