import Cairn
import GRDB

extension SimWorld {
    /// The next creation number: one past the highest ever given, so ids are never reused.
    static func nextSequence(_ db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'resource'")
        return (try Int64.fetchOne(statement) ?? 0) + 1
    }

    /// Eight hex digits from the creation number through a bijective 32-bit mix: ids look
    /// random, are deterministic, and are distinct for the first 2^32 resources.
    static func idSuffix(for sequence: Int64) -> String {
        var x = UInt32(truncatingIfNeeded: sequence)
        x ^= x >> 16
        x &*= 0x7feb_352d
        x ^= x >> 15
        x &*= 0x846c_a68b
        x ^= x >> 16
        let hex = String(x, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The outputs of a new resource: `id`, and per type `private_ip` and `address` (from the
    /// subnet's block), `domain`, `fqdn` and `url`.
    static func outputs(
        _ db: Database, type: SimType, id: String, sequence: Int64, properties: [String: Value]
    ) throws -> [String: Value] {
        var outputs: [String: Value] = ["id": .string(id)]
        switch type {
        case .instance:
            let statement = try db.cachedStatement(
                sql: "SELECT json_extract(properties, '$.cidr') FROM resource WHERE id = ?"
            )
            let cidr = try properties["subnet_id"]?.stringValue.flatMap {
                try String.fetchOne(statement, arguments: [$0])
            }
            let ip = privateIP(in: cidr, sequence: sequence)
            outputs["private_ip"] = .string(ip)
            outputs["address"] = .string(ip)
        case .cdn:
            outputs["domain"] = .string("d\(id.dropFirst(type.idPrefix.count)).cdn.sim.local")
        default:
            break
        }
        return refreshedOutputs(type, outputs, properties: properties)
    }

    /// The outputs derived from properties alone (`fqdn`, `url`), recomputed after a change.
    static func refreshedOutputs(_ type: SimType, _ outputs: [String: Value], properties: [String: Value]) -> [String:
        Value]
    {
        var outputs = outputs
        switch type {
        case .dnsRecord:
            let name = properties["name"]?.interpolated ?? ""
            var zone = properties["zone"]?.interpolated ?? ""
            while zone.hasSuffix(".") { zone.removeLast() }
            outputs["fqdn"] = .string(zone.isEmpty ? name : "\(name).\(zone)")
        case .bucket:
            outputs["url"] = .string("https://\(properties["name"]?.interpolated ?? "").bucket.sim.local")
        default:
            break
        }
        return outputs
    }

    /// An address inside `cidr` past the four that clouds reserve, chosen by creation number;
    /// `10.255.x.y` when the block cannot be read.
    static func privateIP(in cidr: String?, sequence: Int64) -> String {
        let n = UInt32(truncatingIfNeeded: max(0, sequence - 1))
        guard let cidr, let (base, bits) = parseCIDR(cidr) else {
            return dotted(0x0aff_0000 | (n % 0xfffe + 1))
        }
        let size = bits >= 32 ? 1 : UInt64(1) << UInt64(32 - bits)
        let usable = size > 5 ? size - 5 : 1
        let offset = size > 5 ? 4 + UInt64(n) % usable : 0
        return dotted(base &+ UInt32(offset))
    }

    private static func parseCIDR(_ cidr: String) -> (base: UInt32, bits: Int)? {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits) else { return nil }
        let octets = parts[0].split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
        let address = octets.reduce(UInt32(0)) { $0 << 8 | $1 }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
        return (address & mask, bits)
    }

    private static func dotted(_ address: UInt32) -> String {
        [24, 16, 8, 0].map { String((address >> UInt32($0)) & 255) }.joined(separator: ".")
    }
}
