import Cairn

extension SimType {
    /// What the type accepts and returns, as the table in DESIGN.md ("The simulated cloud") states.
    var schema: ResourceSchema {
        ResourceSchema(type: rawValue, properties: properties, outputs: outputs)
    }

    /// The outputs every resource of this type has once created.
    var outputs: [String] {
        switch self {
        case .instance: ["id", "private_ip", "address"]
        case .dnsRecord: ["id", "fqdn"]
        case .bucket: ["id", "url"]
        case .cdn: ["id", "domain"]
        case .network, .subnet, .securityGroup, .volume, .attachment, .service: ["id"]
        }
    }

    private var properties: [PropertySchema] {
        switch self {
        case .network:
            [
                PropertySchema("cidr", .string, required: true, replaceOnChange: true, format: .cidr),
                PropertySchema("region", .string),
                PropertySchema("name", .string, format: .name),
            ]
        case .subnet:
            [
                PropertySchema("network_id", .string, required: true, replaceOnChange: true),
                PropertySchema("cidr", .string, required: true, replaceOnChange: true, format: .cidr),
                PropertySchema("zone", .string),
            ]
        case .securityGroup:
            [
                PropertySchema("network_id", .string, required: true, replaceOnChange: true),
                PropertySchema("name", .string, required: true, format: .name),
                PropertySchema("ingress", .list, normalizations: [.unorderedList]),
            ]
        case .volume:
            [
                PropertySchema("size_gb", .integer, required: true, growOnly: true, format: .positive),
                PropertySchema("zone", .string, replaceOnChange: true),
                PropertySchema("kind", .string, replaceOnChange: true),
            ]
        case .instance:
            [
                PropertySchema("subnet_id", .string, required: true, replaceOnChange: true),
                PropertySchema("image", .string, required: true, replaceOnChange: true),
                PropertySchema("size", .string, required: true),
                PropertySchema("security_group_ids", .list, normalizations: [.unorderedList]),
            ]
        case .attachment:
            [
                PropertySchema("volume_id", .string, required: true, replaceOnChange: true),
                PropertySchema("instance_id", .string, required: true, replaceOnChange: true),
                PropertySchema("device", .string),
            ]
        case .dnsRecord:
            [
                PropertySchema("zone", .string, required: true, replaceOnChange: true, format: .name),
                PropertySchema("name", .string, required: true, replaceOnChange: true, format: .name),
                PropertySchema("value", .string, required: true),
                PropertySchema("ttl", .integer, format: .positive),
            ]
        case .bucket:
            [
                PropertySchema("name", .string, required: true, replaceOnChange: true, format: .name),
                PropertySchema("versioning", .boolean),
            ]
        case .service:
            [
                PropertySchema("name", .string, required: true, replaceOnChange: true, format: .name),
                PropertySchema("endpoint", .string, required: true),
                PropertySchema("tags", .map),
            ]
        case .cdn:
            [PropertySchema("origin", .string, required: true)]
        }
    }
}

extension SimProvider {
    /// The schemas of the ten `sim.*` types, in the order of the table in DESIGN.md.
    public static let schemas: [ResourceSchema] = SimType.allCases.map(\.schema)
}
