import Cairn
import GRDB

extension SimWorld {
    /// What a create call did: made a resource, or found the one its key made before.
    struct CreateOutcome: Sendable {
        var resource: SimResource
        /// False when the key had been used already and the earlier resource is returned.
        var isNew: Bool
    }

    /// Creates a resource, honouring the idempotency key like an EC2 client token.
    ///
    /// A key seen before returns the resource it made when the digest matches; with another
    /// digest (or type) it throws `.invalid`, as EC2's IdempotentParameterMismatch does. A
    /// reference to a missing resource, or to one of the wrong type, throws `.invalid`.
    func create(
        _ type: SimType, properties: [String: Value], key: IdempotencyKey, tags: [String: String]
    ) throws -> CreateOutcome {
        let digest = key.digest.isEmpty ? Value.map(properties).canonicalJSON : key.digest
        return try queue.write { db in
            if let existing = try Self.fetch(db, key: key.token) {
                guard existing.type == type.rawValue, existing.keyDigest == digest else {
                    throw ProviderError(
                        .invalid,
                        "idempotency key '\(key.token)' was already used to create \(existing.type) \(existing.id) "
                            + "with different parameters (IdempotentParameterMismatch); a key may only be repeated "
                            + "with the same request, so start a new run rather than reusing this step's key"
                    )
                }
                return CreateOutcome(resource: existing, isNew: false)
            }
            try Self.checkReferences(db, type: type, properties: properties)
            let sequence = try Self.nextSequence(db)
            let id = type.idPrefix + Self.idSuffix(for: sequence)
            let outputs = try Self.outputs(db, type: type, id: id, sequence: sequence, properties: properties)
            let tagsJSON = Value.map(tags.mapValues(Value.string)).canonicalJSON
            try db.cachedStatement(
                sql: """
                    INSERT INTO resource (seq, id, type, idempotency_key, key_digest, tags, properties, outputs)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                sequence, id, type.rawValue, key.token, digest, tagsJSON, Value.map(properties).canonicalJSON,
                Value.map(outputs).canonicalJSON,
            ])
            try Self.insertReferences(db, of: id, type: type, properties: properties)
            let resource = SimResource(
                id: id, type: type.rawValue, idempotencyKey: key.token, keyDigest: digest, tags: tags,
                properties: properties, outputs: outputs, sequence: sequence
            )
            return CreateOutcome(resource: resource, isNew: true)
        }
    }

    /// Changes properties in place and returns the resource before and after.
    ///
    /// Throws `.notFound` when the resource is gone, and `.invalid` for a change to a
    /// replace-on-change property, a shrinking volume, or a reference to a missing resource.
    func update(
        _ type: SimType, id: String, properties: [String: Value]
    ) throws -> (before: SimResource, after: SimResource) {
        try queue.write { db in
            guard let before = try Self.fetch(db, id: id) else {
                throw ProviderError(
                    .notFound, "\(type.rawValue) \(id) does not exist (it may have been deleted outside Cairn)"
                )
            }
            try Self.requireType(type, of: before)
            let changed = Set(before.properties.keys).union(properties.keys).filter {
                (before.properties[$0] ?? .null) != (properties[$0] ?? .null)
            }
            for name in changed.sorted() {
                guard let property = type.schema.property(name) else { continue }
                let old = before.properties[name] ?? .null
                let new = properties[name] ?? .null
                if property.replaceOnChange {
                    throw ProviderError(
                        .invalid,
                        "cannot change '\(name)' of \(type.rawValue) \(id) in place (from \(old.canonicalJSON) to "
                            + "\(new.canonicalJSON)): changing it replaces the resource, so plan a replacement"
                    )
                }
                if property.growOnly, let oldSize = old.intValue, let newSize = new.intValue, newSize < oldSize {
                    throw ProviderError(
                        .invalid,
                        "cannot shrink \(type.rawValue) \(id) '\(name)' from \(oldSize) to \(newSize): it can only "
                            + "grow; replace the resource to make it smaller"
                    )
                }
            }
            var after = before
            after.properties = properties.filter { $0.value != .null }
            after.outputs = Self.refreshedOutputs(type, before.outputs, properties: after.properties)
            let referenceFields = Set(type.references.map(\.field))
            if !changed.isDisjoint(with: referenceFields) {
                try Self.checkReferences(db, type: type, properties: after.properties)
                try Self.replaceReferences(db, of: id, type: type, properties: after.properties)
            }
            try Self.write(db, properties: after.properties, outputs: after.outputs, of: id)
            return (before, after)
        }
    }

    /// Deletes a resource and returns what was deleted; nil when it was already gone.
    ///
    /// Throws `.conflict` while other resources still refer to it ("network net-1234 still has
    /// subnets: ..."), and `.invalid` when the id names a resource of another type.
    func delete(_ type: SimType, id: String) throws -> SimResource? {
        try queue.write { db in
            guard let resource = try Self.fetch(db, id: id) else { return nil }
            try Self.requireType(type, of: resource)
            let children = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT DISTINCT child_id, child_type FROM reference WHERE parent_id = ? ORDER BY child_id"
                ),
                arguments: [id]
            ).map { (id: $0["child_id"] as String, type: $0["child_type"] as String) }
            if !children.isEmpty {
                throw ProviderError(.conflict, Self.stillReferencedMessage(type, id: id, children: children))
            }
            try db.cachedStatement(sql: "DELETE FROM resource WHERE id = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM reference WHERE child_id = ?").execute(arguments: [id])
            return resource
        }
    }

    // MARK: - References

    static func checkReferences(_ db: Database, type: SimType, properties: [String: Value]) throws {
        let statement = try db.cachedStatement(sql: "SELECT type FROM resource WHERE id = ?")
        for reference in type.referencedIDs(in: properties) {
            guard let actual = try String.fetchOne(statement, arguments: [reference.id]) else {
                throw ProviderError(
                    .invalid,
                    "\(type.rawValue) '\(reference.field)' names \(reference.target.noun) \(reference.id), which does "
                        + "not exist; create the \(reference.target.noun) first or fix the reference"
                )
            }
            guard actual == reference.target.rawValue else {
                throw ProviderError(
                    .invalid,
                    "\(type.rawValue) '\(reference.field)' must name a \(reference.target.rawValue), but "
                        + "\(reference.id) is a \(actual)"
                )
            }
        }
    }

    static func insertReferences(_ db: Database, of id: String, type: SimType, properties: [String: Value]) throws {
        let references = type.referencedIDs(in: properties)
        guard !references.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO reference (child_id, field, parent_id, child_type) VALUES (?, ?, ?, ?)"
        )
        for reference in references {
            try statement.execute(arguments: [id, reference.field, reference.id, type.rawValue])
        }
    }

    static func replaceReferences(_ db: Database, of id: String, type: SimType, properties: [String: Value]) throws {
        try db.cachedStatement(sql: "DELETE FROM reference WHERE child_id = ?").execute(arguments: [id])
        try insertReferences(db, of: id, type: type, properties: properties)
    }

    private static func requireType(_ type: SimType, of resource: SimResource) throws {
        guard resource.type == type.rawValue else {
            throw ProviderError(.invalid, "\(resource.id) is a \(resource.type), not a \(type.rawValue)")
        }
    }

    private static func stillReferencedMessage(
        _ type: SimType, id: String, children: [(id: String, type: String)]
    ) -> String {
        var groups: [(noun: String, ids: [String])] = []
        for child in children {
            let noun = SimType(rawValue: child.type)?.plural ?? child.type
            if let index = groups.firstIndex(where: { $0.noun == noun }) {
                groups[index].ids.append(child.id)
            } else {
                groups.append((noun, [child.id]))
            }
        }
        let parts = groups.map { group in
            let shown = group.ids.prefix(5).joined(separator: ", ")
            let more = group.ids.count > 5 ? " and \(group.ids.count - 5) more" : ""
            return "\(group.noun): \(shown)\(more)"
        }
        return "\(type.noun) \(id) still has \(parts.joined(separator: "; ")); delete those first"
    }
}
