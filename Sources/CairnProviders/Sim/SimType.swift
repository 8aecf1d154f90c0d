import Cairn

/// One resource type of the simulated cloud, with what the world needs to know of it:
/// its id prefix, the properties that refer to other resources, and its schema.
enum SimType: String, CaseIterable, Sendable {
    case network = "sim.network"
    case subnet = "sim.subnet"
    case securityGroup = "sim.security_group"
    case volume = "sim.volume"
    case instance = "sim.instance"
    case attachment = "sim.attachment"
    case dnsRecord = "sim.dns_record"
    case bucket = "sim.bucket"
    case service = "sim.service"
    case cdn = "sim.cdn"

    /// A property whose value is the id (or a list of ids) of another resource.
    struct Reference: Sendable {
        var field: String
        var target: SimType
        var isList: Bool
    }

    /// The start of every id of this type, as in `net-1a2b3c4d`.
    var idPrefix: String {
        switch self {
        case .network: "net-"
        case .subnet: "subnet-"
        case .securityGroup: "sg-"
        case .volume: "vol-"
        case .instance: "i-"
        case .attachment: "attach-"
        case .dnsRecord: "dns-"
        case .bucket: "bucket-"
        case .service: "svc-"
        case .cdn: "cdn-"
        }
    }

    /// The type's name without `sim.`, for messages: `security group`.
    var noun: String {
        switch self {
        case .securityGroup: "security group"
        case .dnsRecord: "DNS record"
        default: String(rawValue.dropFirst(4))
        }
    }

    /// The plural of ``noun``, for "still has subnets" messages.
    var plural: String { noun + "s" }

    /// The properties that must name existing resources of the given types.
    var references: [Reference] {
        switch self {
        case .subnet: [Reference(field: "network_id", target: .network, isList: false)]
        case .securityGroup: [Reference(field: "network_id", target: .network, isList: false)]
        case .instance:
            [
                Reference(field: "subnet_id", target: .subnet, isList: false),
                Reference(field: "security_group_ids", target: .securityGroup, isList: true),
            ]
        case .attachment:
            [
                Reference(field: "volume_id", target: .volume, isList: false),
                Reference(field: "instance_id", target: .instance, isList: false),
            ]
        case .network, .volume, .dnsRecord, .bucket, .service, .cdn: []
        }
    }

    /// The ids a resource with these properties refers to, with the field that names each.
    func referencedIDs(in properties: [String: Value]) -> [(field: String, id: String, target: SimType)] {
        var result: [(field: String, id: String, target: SimType)] = []
        for reference in references {
            guard let value = properties[reference.field] else { continue }
            let ids: [String] =
                reference.isList
                ? (value.listValue ?? []).compactMap(\.stringValue) : value.stringValue.map { [$0] } ?? []
            for id in ids { result.append((reference.field, id, reference.target)) }
        }
        return result
    }
}
