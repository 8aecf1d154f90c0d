import Foundation

/// Hides sensitive values wherever a run is shown to a person or a backend: logs, traces,
/// `cairn log`, reports. A property is sensitive when its schema says so
/// (``PropertySchema/sensitive``), when its value came from a sensitive variable
/// (``Resource/sensitiveProperties``) or when a plan marks its diff sensitive; an output when
/// its schema lists it in ``ResourceSchema/sensitiveOutputs``. The literal values of sensitive
/// properties are also scrubbed from free text (a provider's error message that echoes one).
public struct Redactor: Sendable {
    /// What a hidden value is shown as.
    public static let placeholder = "(sensitive)"
    /// Secrets shorter than this are not scrubbed from free text (they would match everywhere).
    public static let minimumScrubLength = 4

    /// Sensitive property and output names per address.
    public private(set) var keysByAddress: [String: Set<String>] = [:]
    /// Sensitive property and output names per resource type (from schemas).
    public private(set) var keysByType: [String: Set<String>] = [:]
    /// Literal values scrubbed from free text, longest first.
    public private(set) var secrets: [String] = []

    /// A redactor that hides nothing.
    public init() {}

    /// A redactor for `stack`'s resources, with the sensitive properties and outputs that the
    /// schemas in `registry` declare.
    public init(stack: Stack, registry: ProviderRegistry) {
        self.init(registry: registry)
        var found: [String] = []
        for resource in stack.resources {
            let keys = resource.sensitiveProperties.union(keysByType[resource.type] ?? [])
            guard !keys.isEmpty else { continue }
            keysByAddress[resource.address, default: []].formUnion(keys)
            for key in keys { found += Self.strings(in: resource.properties[key]) }
        }
        add(secrets: found)
    }

    /// A redactor with the sensitive properties and outputs that the schemas in `registry` declare.
    public init(registry: ProviderRegistry) {
        for type in registry.types {
            guard let schema = registry.schema(for: type) else { continue }
            let keys = Set(schema.properties.filter(\.sensitive).map(\.name)).union(schema.sensitiveOutputs)
            if !keys.isEmpty { keysByType[type] = keys }
        }
    }

    /// This redactor, also hiding what `plan` marks sensitive: fields whose diff is sensitive,
    /// and their before and after values wherever they appear in text.
    public func including(_ plan: Plan) -> Redactor {
        var copy = self
        var found: [String] = []
        for change in plan.changes {
            let keys = Set(change.fields.filter(\.sensitive).map { Self.topLevel($0.path) })
            guard !keys.isEmpty else { continue }
            copy.keysByAddress[change.address, default: []].formUnion(keys)
            for field in change.fields where field.sensitive {
                found += Self.strings(in: field.before) + Self.strings(in: field.after)
            }
            for key in keys {
                found += Self.strings(in: change.desired?[key]) + Self.strings(in: change.prior?.properties[key])
            }
        }
        copy.add(secrets: found)
        return copy
    }

    /// The sensitive property and output names of a resource.
    public func sensitiveKeys(address: String, type: String) -> Set<String> {
        let base = address.hasSuffix(Step.deposedSuffix) ? String(address.dropLast(Step.deposedSuffix.count)) : address
        return (keysByAddress[base] ?? []).union(keysByType[type] ?? [])
    }

    /// `values` with every sensitive key's value replaced by ``placeholder`` and secrets
    /// scrubbed from the strings that remain.
    public func redact(_ values: [String: Value], address: String, type: String) -> [String: Value] {
        let keys = sensitiveKeys(address: address, type: type)
        var out: [String: Value] = [:]
        for (key, value) in values {
            out[key] = keys.contains(key) ? .string(Self.placeholder) : scrub(value)
        }
        return out
    }

    /// `value` with secrets scrubbed from every string in it.
    public func scrub(_ value: Value) -> Value {
        guard !secrets.isEmpty else { return value }
        switch value {
        case .string(let s): return .string(scrub(s))
        case .list(let items): return .list(items.map(scrub))
        case .map(let entries): return .map(entries.mapValues(scrub))
        default: return value
        }
    }

    /// `text` with every secret replaced by ``placeholder``.
    public func scrub(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        return out
    }

    private mutating func add(secrets found: [String]) {
        let all = Set(secrets).union(found.filter { $0.count >= Self.minimumScrubLength })
        secrets = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    private static func topLevel(_ path: String) -> String {
        String(path.prefix { $0 != "." && $0 != "[" })
    }

    private static func strings(in value: Value?) -> [String] {
        switch value {
        case .string(let s)?: return [s]
        case .int(let i)?: return [String(i)]
        case .list(let items)?: return items.flatMap { strings(in: $0) }
        case .map(let entries)?: return entries.values.flatMap { strings(in: $0) }
        default: return []
        }
    }
}
