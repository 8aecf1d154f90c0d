/// Which provider serves which resource type.
public struct ProviderRegistry: Sendable {
    private var byType: [String: any Provider] = [:]
    private var schemaByType: [String: ResourceSchema] = [:]

    public init(_ providers: [any Provider] = []) {
        for p in providers { register(p) }
    }

    /// Adds a provider for every type in its schemas (a later registration wins).
    public mutating func register(_ provider: any Provider) {
        for schema in provider.schemas {
            byType[schema.type] = provider
            schemaByType[schema.type] = schema
        }
    }

    public func provider(for type: String) -> (any Provider)? { byType[type] }
    public func schema(for type: String) -> ResourceSchema? { schemaByType[type] }
    public var types: [String] { schemaByType.keys.sorted() }
}
