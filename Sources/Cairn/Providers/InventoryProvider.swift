/// A provider that can list what exists in the world for one stack: what `cairn drift` needs
/// to find orphans (resources tagged with the stack that the state does not know). Optional:
/// providers that cannot list are simply not searched for orphans.
public protocol InventoryProvider: Provider {
    /// Every resource of this provider's types tagged as belonging to `stack` (by the
    /// `cairn:address` tag, `stack/address`, or the provider's equivalent).
    func inventory(stack: String) async throws -> [InventoryItem]
}

/// One resource a provider found in the world for a stack.
public struct InventoryItem: Sendable, Hashable {
    /// The address the resource was created for (the tag without its `stack/` prefix).
    public var address: String
    /// The resource's type.
    public var type: String
    /// The resource as the world holds it.
    public var snapshot: ResourceSnapshot
    /// The ids of the resources this one refers to (a subnet's network), so that orphans are
    /// deleted dependents first.
    public var references: [String]

    /// An item as a provider lists it.
    public init(address: String, type: String, snapshot: ResourceSnapshot, references: [String] = []) {
        self.address = address
        self.type = type
        self.snapshot = snapshot
        self.references = references
    }

    /// The world's id of the resource.
    public var id: String { snapshot.id }
}
