import Cairn

/// A 1,000-resource simulated stack with every kind of reference: networks, subnets, security
/// groups, instances (in two groups each), volumes attached to instances, DNS records,
/// buckets and services (ten of which ignore drift on their tags).
enum DriftFixture {
    static let name = "fleet"

    static func stack() -> Stack {
        var r: [Resource] = []
        func add(_ address: String, _ type: String, _ properties: [String: Value]) {
            r.append(Resource(address: address, type: type, properties: properties))
        }
        for n in 0..<10 {
            add("net\(n)", "sim.network", ["cidr": .string("10.\(n).0.0/16"), "name": .string("net-\(n)")])
            for s in 0..<4 {
                add(
                    "subnet\(n)_\(s)", "sim.subnet",
                    ["network_id": .string("${net\(n).id}"), "cidr": .string("10.\(n).\(s).0/24"), "zone": "a"])
            }
            for g in 0..<2 {
                add(
                    "sg\(n)_\(g)", "sim.security_group",
                    [
                        "network_id": .string("${net\(n).id}"), "name": .string("sg-\(n)-\(g)"),
                        "ingress": [["port": 443, "cidr": "0.0.0.0/0"], ["port": 22, "cidr": "10.0.0.0/8"]],
                    ])
            }
            for i in 0..<20 {
                add(
                    "vm\(n)_\(i)", "sim.instance",
                    [
                        "subnet_id": .string("${subnet\(n)_\(i % 4).id}"), "image": "debian-12", "size": "small",
                        "security_group_ids": [.string("${sg\(n)_0.id}"), .string("${sg\(n)_1.id}")],
                    ])
            }
            for v in 0..<10 {
                add("vol\(n)_\(v)", "sim.volume", ["size_gb": 10, "zone": "a"])
                add(
                    "att\(n)_\(v)", "sim.attachment",
                    [
                        "volume_id": .string("${vol\(n)_\(v).id}"), "instance_id": .string("${vm\(n)_\(v).id}"),
                        "device": "/dev/sdb",
                    ])
            }
        }
        for i in 0..<300 {
            add(
                "dns\(i)", "sim.dns_record",
                ["zone": "example.test", "name": .string("host\(i)"), "value": .string("10.0.0.\(i % 250)"), "ttl": 60])
        }
        for i in 0..<130 { add("bucket\(i)", "sim.bucket", ["name": .string("bucket-\(i)"), "versioning": false]) }
        for i in 0..<100 {
            add(
                "svc\(i)", "sim.service",
                ["name": .string("svc-\(i)"), "endpoint": .string("https://svc\(i).test"), "tags": ["team": "a"]])
            if i < 10 { r[r.count - 1].ignoreDrift = ["tags"] }
        }
        return Stack(name: name, resources: r)
    }

    /// A console edit that changes a field of a resource of `type` away from its declaration;
    /// nil for types this test does not edit.
    static func edit(for type: String) -> [String: Value]? {
        switch type {
        case "sim.network": ["name": "edited"]
        case "sim.subnet": ["zone": "b"]
        case "sim.security_group": ["ingress": [["port": 8080, "cidr": "0.0.0.0/0"]]]
        case "sim.instance": ["size": "large"]
        case "sim.attachment": ["device": "/dev/sdz"]
        case "sim.dns_record": ["value": "10.9.9.9"]
        case "sim.bucket": ["versioning": true]
        case "sim.service": ["endpoint": "https://changed.test"]
        default: nil
        }
    }
}
