/// Settings of one drift check.
public struct DriftOptions: Sendable {
    /// How many provider reads run at once; each type also keeps to its own
    /// ``ResourceSchema/concurrencyLimit``.
    public var parallelism: Int
    /// Whether providers that can list the world (``InventoryProvider``) are asked for orphans.
    public var findOrphans: Bool
    /// How each read is retried on transient errors.
    public var retry: RetryPolicy

    /// Options with 16 reads at once, orphans searched, reads retried by the default policy.
    public init(parallelism: Int = 16, findOrphans: Bool = true, retry: RetryPolicy = .default) {
        self.parallelism = parallelism
        self.findOrphans = findOrphans
        self.retry = retry
    }
}

extension Engine {
    /// Reads every declared resource from the world and compares it with the declaration
    /// (references resolved from the recorded state), and lists the resources tagged with the
    /// stack that the state does not know. Changes nothing; takes no lease.
    ///
    /// A declared resource that is not recorded, or that the world no longer has, is reported
    /// missing. Resources recorded but no longer declared are not drift (`plan` deletes them).
    /// Throws ``ReadFailure`` when a resource cannot be read after retries.
    public func drift(_ stack: Stack, options: DriftOptions = DriftOptions()) async throws -> DriftReport {
        // The listing for orphans reads other databases than the state: it runs alongside.
        async let listing = options.findOrphans ? inventories(stack: stack.name, policy: options.retry) : ([], [])
        let state = try await configuration.store.state(stack: stack.name)
        let verifier = Verifier(registry: configuration.registry)
        var entries = [DriftReport.Entry?](repeating: nil, count: stack.resources.count)
        var reads: [(index: Int, resource: Resource, record: RecordedResource)] = []
        for (index, resource) in stack.resources.enumerated() {
            guard let record = state.resources[resource.address], record.type == resource.type else {
                entries[index] = DriftReport.Entry(
                    address: resource.address, type: resource.type, id: state.resources[resource.address]?.id,
                    missing: true)
                continue
            }
            reads.append((index, resource, record))
        }
        // Each read compares as soon as it returns, while other reads wait on the provider.
        let found = try await BoundedReads.run(
            reads, parallelism: options.parallelism, typeLimits: typeLimits, type: \.record.type
        ) { [self] read -> DriftReport.Entry? in
            let (resource, record) = (read.resource, read.record)
            guard
                let snapshot = try await readResource(
                    record, stack: stack.name, policy: options.retry, purpose: "check its drift")
            else {
                return DriftReport.Entry(address: resource.address, type: resource.type, id: record.id, missing: true)
            }
            let (declared, unknown) = Self.declaredProperties(resource, state: state)
            let fields = verifier.differences(
                type: resource.type, expected: declared,
                actual: snapshot.properties.filter { !unknown.contains($0.key) },
                ignore: resource.ignoreDrift, sensitive: resource.sensitiveProperties)
            return fields.isEmpty
                ? nil : DriftReport.Entry(address: resource.address, type: resource.type, id: record.id, fields: fields)
        }
        for (read, entry) in zip(reads, found) { entries[read.index] = entry }
        var report = DriftReport(stack: stack.name, checked: stack.resources.count, entries: entries.compactMap { $0 })
        let (items, unlisted) = try await listing
        let known = Set(state.resources.values.map(\.id))
        report.orphans = items.filter { !known.contains($0.id) }.map { item in
            DriftReport.Orphan(
                address: item.address, type: item.type, id: item.id, properties: item.snapshot.properties,
                references: item.references)
        }
        let used = Set(stack.resources.map(\.type)).union(state.resources.values.map(\.type))
        report.unlistedTypes = unlisted.filter(used.contains).sorted()
        configuration.observer.driftChecked(
            checked: report.checked, driftedTypes: report.drifted.map(\.type) + report.orphans.map(\.type))
        return report
    }

    /// The declared properties with references resolved from `state`; properties whose
    /// references cannot be resolved yet are left out and named in `unknown`.
    static func declaredProperties(_ resource: Resource, state: StackState) -> (
        properties: [String: Value], unknown: Set<String>
    ) {
        var properties: [String: Value] = [:]
        var unknown: Set<String> = []
        for (key, value) in resource.properties {
            if let resolved = Template.resolve(value, lookup: { state.resources[$0.resource]?.attribute($0.attribute) })
            {
                properties[key] = resolved
            } else {
                unknown.insert(key)
            }
        }
        return (properties, unknown)
    }

    /// Every resource tagged with `stack`, from every provider that can list; and the types
    /// whose provider cannot.
    func inventories(stack: String, policy: RetryPolicy) async throws -> ([InventoryItem], [String]) {
        let registry = configuration.registry
        var covered: Set<String> = []
        var items: [InventoryItem] = []
        var unlisted: [String] = []
        for type in registry.types where !covered.contains(type) {
            guard let provider = registry.provider(for: type) else { continue }
            let types = provider.schemas.map(\.type)
            covered.formUnion(types)
            guard let lister = provider as? any InventoryProvider else {
                unlisted += types
                continue
            }
            do {
                items += try await withRetry(policy: policy, clock: configuration.clock, random: configuration.random) {
                    try await lister.inventory(stack: stack)
                }
            } catch let failure as RetryFailure {
                throw ReadFailure(
                    address: "the inventory of \(types.joined(separator: ", "))", purpose: "find orphans",
                    failure: failure)
            }
        }
        return (items, unlisted)
    }

    /// Each type's own concurrency limit, from the registry's schemas.
    var typeLimits: [String: Int] {
        let registry = configuration.registry
        return Dictionary(
            uniqueKeysWithValues: registry.types.compactMap { t in
                registry.schema(for: t)?.concurrencyLimit.map { (t, $0) }
            })
    }

    /// Reads one recorded resource through its provider, retrying transient errors; nil when
    /// the world no longer has it.
    func readResource(_ record: RecordedResource, stack: String, policy: RetryPolicy, purpose: String) async throws
        -> ResourceSnapshot?
    {
        guard let provider = configuration.registry.provider(for: record.type) else {
            throw ProviderError(
                .invalid, "no provider serves resource type \(record.type) (recorded for \(record.address))")
        }
        let context = ResourceContext(stack: stack, address: record.address, type: record.type)
        do {
            return try await withRetry(policy: policy, clock: configuration.clock, random: configuration.random) {
                try await provider.read(ReadRequest(context: context, id: record.id, properties: record.properties))
            }
        } catch let failure as RetryFailure {
            throw ReadFailure(address: record.address, purpose: purpose, failure: failure)
        }
    }
}

/// Thrown when a resource could not be read to check it (drift, verify).
public struct ReadFailure: Error, Sendable, CustomStringConvertible {
    /// The resource (or listing) that could not be read.
    public var address: String
    /// What the read was for, as in "check its drift".
    public var purpose: String
    /// The last error and how many tries were made.
    public var failure: RetryFailure

    /// Why, and what to do.
    public var description: String {
        "could not read \(address) to \(purpose): \(failure). Nothing was changed; retry later."
    }
}
