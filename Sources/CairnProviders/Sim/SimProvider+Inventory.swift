import Cairn

extension SimProvider: InventoryProvider {
    /// Every resource in the world whose `cairn:address` tag names `stack` (`stack/address`),
    /// in the order they were created. Listing is one call to the world; it injects no faults.
    public func inventory(stack: String) async throws -> [InventoryItem] {
        let prefix = stack + "/"
        return try world.inventory().compactMap { resource in
            guard let tag = resource.qualifiedAddress, tag.hasPrefix(prefix) else { return nil }
            let references = SimType(rawValue: resource.type)?.referencedIDs(in: resource.properties).map(\.id) ?? []
            return InventoryItem(
                address: String(tag.dropFirst(prefix.count)), type: resource.type, snapshot: resource.snapshot,
                references: references)
        }
    }
}
