import Cairn

/// One resource in the simulated world, as `cairn sim inventory` lists it.
///
/// Encodes to the inventory's JSON contract: `{"id", "type", "idempotency_key", "tags",
/// "properties"}` (outputs and the sequence number are not part of it).
public struct SimResource: Sendable, Hashable, Encodable {
    /// The world's id, such as `net-1a2b3c4d`.
    public var id: String
    /// The resource type, such as `sim.network`.
    public var type: String
    /// The token of the create call that made it.
    public var idempotencyKey: String
    /// The digest of the properties that came with ``idempotencyKey``.
    public var keyDigest: String
    /// Tags; `cairn:address` holds `stack/address`.
    public var tags: [String: String]
    /// The properties as the world holds them now.
    public var properties: [String: Value]
    /// What the world assigned: `id`, and per type `private_ip`, `address`, `fqdn`, `url`, `domain`.
    public var outputs: [String: Value]
    /// The order of creation in this world, from 1.
    public var sequence: Int64

    /// Makes a resource record; the world makes these, tests may too.
    public init(
        id: String, type: String, idempotencyKey: String, keyDigest: String = "", tags: [String: String],
        properties: [String: Value], outputs: [String: Value], sequence: Int64
    ) {
        self.id = id
        self.type = type
        self.idempotencyKey = idempotencyKey
        self.keyDigest = keyDigest
        self.tags = tags
        self.properties = properties
        self.outputs = outputs
        self.sequence = sequence
    }

    /// The tag that names the stack and address the resource was created for.
    public static let addressTag = "cairn:address"

    /// `stack/address` from the `cairn:address` tag, when present.
    public var qualifiedAddress: String? { tags[Self.addressTag] }

    /// What a provider call answers for this resource.
    public var snapshot: ResourceSnapshot {
        ResourceSnapshot(id: id, properties: properties, outputs: outputs)
    }

    private enum CodingKeys: String, CodingKey {
        case id, type
        case idempotencyKey = "idempotency_key"
        case tags, properties
    }

    /// Encodes the inventory contract's keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(idempotencyKey, forKey: .idempotencyKey)
        try container.encode(tags, forKey: .tags)
        try container.encode(properties, forKey: .properties)
    }
}
