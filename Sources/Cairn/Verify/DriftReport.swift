/// What `cairn drift` found: for each declared resource, whether the world still holds it and
/// which fields differ from the declaration, and which resources tagged with the stack the
/// state does not know (orphans).
///
/// Differences on fields that are ignored (`ignore_drift`, or server-managed in the schema)
/// are listed, marked ``Field/ignored``, but do not count: a resource whose only differences
/// are ignored is in sync.
public struct DriftReport: Sendable, Hashable {
    /// One field whose value in the world differs from the declaration.
    public struct Field: Sendable, Hashable {
        /// `size`, `tags.env`, `ingress[0].port`; a whole list for order-insensitive lists.
        public var path: String
        /// The declared value (references resolved); nil when the spec does not set it.
        public var declared: Value?
        /// The value in the world; nil when the world does not have it.
        public var actual: Value?
        /// Shown but not counted: the resource ignores drift on it, or the server manages it.
        public var ignored: Bool
        /// Never shown: the schema or a sensitive variable makes it secret.
        public var sensitive: Bool

        /// A field difference; not ignored and not sensitive unless said.
        public init(path: String, declared: Value?, actual: Value?, ignored: Bool = false, sensitive: Bool = false) {
            self.path = path
            self.declared = declared
            self.actual = actual
            self.ignored = ignored
            self.sensitive = sensitive
        }
    }

    /// One resource with at least one difference (counted or ignored).
    public struct Entry: Sendable, Hashable {
        /// The resource's address in the spec.
        public var address: String
        /// The resource's type.
        public var type: String
        /// The world's id, when one is recorded.
        public var id: String?
        /// The fields that differ (counted or ignored), in path order.
        public var fields: [Field]
        /// The world no longer has it (or it was never created).
        public var missing: Bool
        /// The world still has what should be gone (verify after a delete).
        public var stillPresent: Bool

        /// An entry; with no fields and neither flag set it holds no difference.
        public init(
            address: String, type: String, id: String?, fields: [Field] = [], missing: Bool = false,
            stillPresent: Bool = false
        ) {
            self.address = address
            self.type = type
            self.id = id
            self.fields = fields
            self.missing = missing
            self.stillPresent = stillPresent
        }

        /// True when the difference counts: missing, still present, or a field not ignored.
        public var isDrifted: Bool { missing || stillPresent || fields.contains { !$0.ignored } }
    }

    /// A resource tagged with this stack that the state does not know.
    public struct Orphan: Sendable, Hashable {
        /// The address it was tagged with.
        public var address: String
        /// The resource's type.
        public var type: String
        /// The world's id.
        public var id: String
        /// The properties as the world holds them.
        public var properties: [String: Value]
        /// Ids of the resources it refers to.
        public var references: [String]

        /// An orphan found in the world.
        public init(address: String, type: String, id: String, properties: [String: Value], references: [String] = []) {
            self.address = address
            self.type = type
            self.id = id
            self.properties = properties
            self.references = references
        }
    }

    /// The stack checked.
    public var stack: String
    /// How many declared resources were checked.
    public var checked: Int
    /// Resources with any difference, in declaration order.
    public var entries: [Entry]
    /// Resources tagged with the stack that the state does not know.
    public var orphans: [Orphan]
    /// Types whose provider cannot list the world, so their orphans cannot be known.
    public var unlistedTypes: [String]

    /// A report of `checked` resources with these differences.
    public init(stack: String, checked: Int, entries: [Entry], orphans: [Orphan] = [], unlistedTypes: [String] = []) {
        self.stack = stack
        self.checked = checked
        self.entries = entries
        self.orphans = orphans
        self.unlistedTypes = unlistedTypes
    }

    /// Resources whose difference counts.
    public var drifted: [Entry] { entries.filter(\.isDrifted) }
    /// Resources whose only differences are ignored (they count as in sync).
    public var ignoredOnly: [Entry] { entries.filter { !$0.isDrifted } }
    /// Checked resources with no counted difference.
    public var inSync: Int { checked - drifted.count }
    /// True when anything counts: a drifted resource or an orphan.
    public var hasDrift: Bool { !orphans.isEmpty || entries.contains(where: \.isDrifted) }
}
