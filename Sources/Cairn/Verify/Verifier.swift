/// Compares what was declared (or applied) with what a provider read from the world, field by
/// field, with the noise control of the type's schema: order-insensitive lists, defaults the
/// server fills in, server-managed fields, and the resource's `ignore_drift` paths. Pure: no I/O.
public struct Verifier: Sendable {
    /// Where the schemas come from.
    public var registry: ProviderRegistry

    /// A verifier over the schemas of `registry`.
    public init(registry: ProviderRegistry) { self.registry = registry }

    /// The fields of a resource of `type` whose `actual` value differs from `expected`.
    ///
    /// A `null` counts as absent. Properties only the world has are compared when the schema
    /// lists them (or lists no properties at all): a console edit that adds one is drift,
    /// attributes the provider reports beyond the schema are not. `ignore` holds property paths
    /// (`tags`, `tags.owner`) whose differences are returned marked ignored; so are those of
    /// server-managed properties. `sensitive` names top-level properties never to show.
    public func differences(
        type: String, expected: [String: Value], actual: [String: Value], ignore: [String] = [],
        sensitive: Set<String> = []
    ) -> [DriftReport.Field] {
        let schema = registry.schema(for: type)
        let expected = expected.filter { $0.value != .null }
        let actual = actual.filter { $0.value != .null }
        let listsProperties = !(schema?.properties.isEmpty ?? true)
        var keys = Set(expected.keys)
        for key in actual.keys where !listsProperties || schema?.property(key) != nil { keys.insert(key) }
        var out: [DriftReport.Field] = []
        for key in keys.sorted() {
            let property = schema?.property(key)
            let declared = expected[key]
            let observed = actual[key]
            if Self.equivalent(declared, observed, property: property) { continue }
            let hidden = (property?.sensitive ?? false) || sensitive.contains(key)
            let serverManaged = property?.serverManaged ?? false
            var leaves: [Plan.FieldDiff] = []
            if property?.normalizations.contains(.unorderedList) ?? false {
                leaves = [Plan.FieldDiff(path: key, before: declared, after: observed)]
            } else {
                ValueDiff.diff(declared, observed, path: key, into: &leaves)
            }
            for leaf in leaves {
                out.append(
                    DriftReport.Field(
                        path: leaf.path, declared: leaf.before, actual: leaf.after,
                        ignored: serverManaged || Self.isIgnored(leaf.path, by: ignore), sensitive: hidden))
            }
        }
        return out
    }

    /// Whether two values of a property are the same once the property's normalisations are
    /// applied (a missing value takes the server's default; unordered lists compare as multisets).
    public static func equivalent(_ a: Value?, _ b: Value?, property: PropertySchema?) -> Bool {
        var a = a == .null ? nil : a
        var b = b == .null ? nil : b
        for normalization in property?.normalizations ?? [] {
            if case .defaultValue(let value) = normalization {
                a = a ?? value
                b = b ?? value
            }
        }
        if a == b { return true }
        guard property?.normalizations.contains(.unorderedList) ?? false,
            case .list(let left)? = a, case .list(let right)? = b, left.count == right.count
        else { return false }
        return left.map(\.canonicalJSON).sorted() == right.map(\.canonicalJSON).sorted()
    }

    /// Whether `path` falls under one of the `ignored` paths: `tags` covers `tags.env` and
    /// `tags[0]`; `tags.env` covers only itself and what is below it.
    public static func isIgnored(_ path: String, by ignored: [String]) -> Bool {
        ignored.contains { entry in
            path == entry || path.hasPrefix(entry + ".") || path.hasPrefix(entry + "[")
        }
    }
}
