extension Plan {
    /// Marks the changes and fields that drift drives, by comparing what was recorded with
    /// what the refresh read: a create of a resource the world lost, and each field whose
    /// world value differs from the recorded one, are "changed outside Cairn". Every other
    /// change and field is marked false (the plan was refreshed).
    public mutating func markChangedOutside(recorded: StackState, refreshed: StackState) {
        for c in changes.indices {
            let address = changes[c].address
            guard changes[c].action != .delete, let before = recorded.resources[address] else {
                changes[c].changedOutside = false
                for f in changes[c].fields.indices { changes[c].fields[f].changedOutside = false }
                continue
            }
            guard let after = refreshed.resources[address] else {
                changes[c].changedOutside = true
                for f in changes[c].fields.indices { changes[c].fields[f].changedOutside = true }
                continue
            }
            var moved: [Plan.FieldDiff] = []
            for key in Set(before.properties.keys).union(after.properties.keys).sorted() {
                ValueDiff.diff(before.properties[key], after.properties[key], path: key, into: &moved)
            }
            let paths = moved.map(\.path)
            var any = false
            for f in changes[c].fields.indices {
                let path = changes[c].fields[f].path
                let outside = paths.contains { Self.overlaps($0, path) }
                changes[c].fields[f].changedOutside = outside
                any = any || outside
            }
            changes[c].changedOutside = any
        }
    }

    /// Whether one field path lies within the other (`tags` and `tags.env`, `a[0]` and `a`).
    static func overlaps(_ a: String, _ b: String) -> Bool {
        a == b || Verifier.isIgnored(a, by: [b]) || Verifier.isIgnored(b, by: [a])
    }
}

extension Stack {
    /// Each resource's `ignore_drift` paths, by address (resources that ignore nothing are left out).
    public var ignoredDrift: [String: [String]] {
        var out: [String: [String]] = [:]
        for resource in resources where !resource.ignoreDrift.isEmpty { out[resource.address] = resource.ignoreDrift }
        return out
    }
}

extension Engine {
    /// The properties a refresh records for `record` given what the world holds: the world's
    /// value for each property, except where it equals the recorded one under the schema's
    /// normalisations or differs only on `ignore`d paths (the recorded value stays, so no change
    /// is planned). A property the world no longer has is dropped (so the plan sets it again);
    /// one only the world has is taken when the schema lists it (or lists no properties).
    static func refreshedProperties(
        _ record: RecordedResource, world: [String: Value], schema: ResourceSchema?, ignore: [String]
    ) -> [String: Value] {
        var properties = record.properties
        let listsProperties = !(schema?.properties.isEmpty ?? true)
        var keys = Set(record.properties.keys)
        for key in world.keys where !listsProperties || schema?.property(key) != nil { keys.insert(key) }
        for key in keys {
            let recorded = record.properties[key]
            let actual = world[key].flatMap { $0 == .null ? nil : $0 }
            if Verifier.equivalent(recorded, actual, property: schema?.property(key)) { continue }
            var leaves: [Plan.FieldDiff] = []
            ValueDiff.diff(recorded, actual, path: key, into: &leaves)
            if !ignore.isEmpty, leaves.allSatisfy({ Verifier.isIgnored($0.path, by: ignore) }) { continue }
            properties[key] = actual
        }
        return properties
    }
}
