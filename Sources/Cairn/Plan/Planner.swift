/// Turns a stack and its (refreshed) recorded state into a ``Plan``. Pure: no I/O.
public struct Planner: Sendable {
    public var registry: ProviderRegistry

    public init(registry: ProviderRegistry) { self.registry = registry }

    /// Plans the changes that bring `state` to `stack`. Throws ``Diagnostics`` when the plan
    /// would delete or replace a resource whose lifecycle forbids it.
    public func plan(_ stack: Stack, state: StackState) throws -> Plan {
        var problems = Diagnostics()
        var changes: [Plan.Change] = []
        var actions: [String: Plan.Action] = [:]
        let order = DependencyGraph(stack: stack).topologicalOrder()
        let byAddress = Dictionary(uniqueKeysWithValues: stack.resources.map { ($0.address, $0) })

        for address in order {
            guard let resource = byAddress[address] else { continue }
            var change = planResource(resource, stack: stack, state: state, actions: actions)
            change.cause = Self.cause(of: change, resource: resource, stack: stack)
            actions[address] = change.action
            if change.action == .replace, resource.lifecycle.preventDestroy || (change.prior?.lifecycle.preventDestroy ?? false) {
                problems.error(
                    "\(address) would be replaced, but its lifecycle sets prevent_destroy",
                    detail: "Changing \(change.fields.filter(\.forcesReplacement).map(\.path).joined(separator: ", ")) "
                        + "replaces the resource. Revert that change, or remove prevent_destroy first.",
                    address: address, at: resource.location)
            }
            changes.append(change)
        }

        let declared = Set(byAddress.keys)
        let orphans = state.resources.values.filter { !declared.contains($0.address) }
        for record in Self.deletionOrder(orphans) {
            if let forget = Self.forgetting(record, stack: stack) {
                changes.append(forget)
                continue
            }
            if record.lifecycle.preventDestroy {
                problems.error(
                    "\(record.address) would be deleted, but its lifecycle sets prevent_destroy",
                    detail: "It is no longer in the spec. Put it back, or apply once with prevent_destroy: false before removing it.",
                    address: record.address, at: stack.source)
            }
            var deletion = Self.deletion(of: record, retry: stack.defaults.retry)
            deletion.cause = Self.deletionCause(of: record, stack: stack)
            changes.append(deletion)
        }
        try problems.throwIfErrors()
        var plan = Plan(
            stack: stack.name, serial: state.serial, changes: changes, stepTimeout: stack.defaults.stepTimeout,
            onFailure: stack.defaults.onFailure)
        plan.assignWaves(stack: stack)
        return plan
    }

    /// A plan that deletes everything recorded for the stack, dependents first.
    public func destroyPlan(stack: Stack, state: StackState) throws -> Plan {
        var problems = Diagnostics()
        let records = Self.deletionOrder(Array(state.resources.values))
        for r in records where r.lifecycle.preventDestroy {
            problems.error(
                "\(r.address) cannot be destroyed: its lifecycle sets prevent_destroy",
                detail: "Set prevent_destroy: false and apply before destroying.", address: r.address, at: stack.source)
        }
        try problems.throwIfErrors()
        return Plan(
            stack: stack.name, serial: state.serial,
            changes: records.map { Self.deletion(of: $0, retry: stack.defaults.retry) },
            stepTimeout: stack.defaults.stepTimeout, onFailure: .halt, isDestroy: true)
    }

    private func planResource(
        _ resource: Resource, stack: Stack, state: StackState, actions: [String: Plan.Action]
    ) -> Plan.Change {
        let prior = state.resources[resource.address]
        let schema = registry.schema(for: resource.type)
        var fields: [Plan.FieldDiff] = []
        let lookup: (Template.Reference) -> Value? = { ref in
            switch actions[ref.resource] {
            case .create?, .replace?: return nil
            default: return state.resources[ref.resource]?.attribute(ref.attribute)
            }
        }
        var keys = Set(resource.properties.keys)
        if let prior, prior.type == resource.type { keys.formUnion(prior.properties.keys) }
        for key in keys.sorted() {
            let property = schema?.property(key)
            let before = prior?.type == resource.type ? prior?.properties[key] : nil
            let sensitive = (property?.sensitive ?? false) || resource.sensitiveProperties.contains(key)
            guard let declared = resource.properties[key] else {
                fields.append(Plan.FieldDiff(path: key, before: before, after: nil, sensitive: sensitive))
                continue
            }
            guard let after = Template.resolve(declared, lookup: lookup) else {
                fields.append(
                    Plan.FieldDiff(
                        path: key, before: before, after: nil, knownAfterApply: true,
                        forcesReplacement: prior != nil && (property?.replaceOnChange ?? false), sensitive: sensitive))
                continue
            }
            var leaves: [Plan.FieldDiff] = []
            ValueDiff.diff(before, after, path: key, into: &leaves)
            for var leaf in leaves {
                leaf.sensitive = sensitive
                if prior != nil, let property {
                    let shrinks = property.growOnly && (after.intValue ?? 0) < (before?.intValue ?? 0)
                    leaf.forcesReplacement = property.replaceOnChange || shrinks
                }
                fields.append(leaf)
            }
        }
        let action: Plan.Action
        if prior == nil {
            action = .create
        } else if prior?.type != resource.type || fields.contains(where: \.forcesReplacement) {
            action = .replace
        } else {
            action = fields.isEmpty ? .noop : .update
        }
        return Plan.Change(
            address: resource.address, type: resource.type, action: action, fields: fields,
            desired: resource.properties, prior: prior, dependencies: resource.dependencies,
            retry: resource.retry ?? stack.defaults.retry, lifecycle: resource.lifecycle)
    }

    static func deletion(of record: RecordedResource, retry: RetryPolicy) -> Plan.Change {
        Plan.Change(
            address: record.address, type: record.type, action: .delete,
            fields: record.properties.keys.sorted().map {
                Plan.FieldDiff(path: $0, before: record.properties[$0], after: nil)
            },
            desired: nil, prior: record, dependencies: record.dependencies, retry: retry, lifecycle: record.lifecycle)
    }

    /// Records ordered so that every resource comes before the ones it depends on.
    static func deletionOrder(_ records: [RecordedResource]) -> [RecordedResource] {
        let byAddress = Dictionary(uniqueKeysWithValues: records.map { ($0.address, $0) })
        let sorted = records.sorted { $0.address < $1.address }
        let graph = DependencyGraph(
            nodes: sorted.map(\.address), edges: Dictionary(uniqueKeysWithValues: sorted.map { ($0.address, $0.dependencies) }))
        return graph.reverseTopologicalOrder().compactMap { byAddress[$0] }
    }
}
