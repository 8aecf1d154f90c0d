extension SpecLoader {
    /// What the checks of one spec share: the resolved variables and flags, and every
    /// declared resource (included or not).
    struct Scope {
        var fileName: String
        var document: SpecDocument
        var variables: [String: Value]
        var flags: [String: Bool]
        var sensitiveVariables: Set<String>
        /// Every declared resource by address, including those whose `when` is false.
        var declared: [String: SpecDocument.ResourceDeclaration]
        /// Addresses left out by their `when`, with the condition that left them out.
        var disabled: [String: String]
        /// The members of each included fleet, by the fleet's name.
        var fleets: [String: [FleetMember]] = [:]
        /// The fleet member being built, when it is one.
        var member: FleetMember? = nil

        var declaredVariables: [String] { document.variables.map(\.name) }
        var declaredFlags: [String] { document.flags.map(\.name) }
    }

    /// Turns a read document into a stack: resolves variables and flags, drops resources whose
    /// `when` is false, substitutes `${var.x}` and `${flag.x}`, checks properties, references
    /// and `depends_on`, and looks for cycles. Problems go to `diagnostics`.
    func compile(_ document: SpecDocument, fileName: String, diagnostics: inout Diagnostics) -> Stack {
        var scope = Scope(
            fileName: fileName, document: document,
            variables: resolveVariables(document, fileName: fileName, diagnostics: &diagnostics),
            flags: resolveFlags(document, fileName: fileName, diagnostics: &diagnostics),
            sensitiveVariables: Set(document.variables.filter(\.sensitive).map(\.name)),
            declared: [:], disabled: [:])
        for declaration in document.resources where scope.declared[declaration.address] == nil {
            scope.declared[declaration.address] = declaration
        }
        var included: [SpecDocument.ResourceDeclaration] = []
        var disabled: [Stack.DisabledResource] = []
        for declaration in document.resources {
            if let condition = declaration.when,
                let disabledBy = disablingCondition(
                    condition, of: declaration.address, scope: scope, diagnostics: &diagnostics)
            {
                scope.disabled[declaration.address] = disabledBy
                let flags = Self.condition(of: declaration)?.flags ?? []
                disabled.append(
                    Stack.DisabledResource(
                        name: declaration.address, condition: disabledBy,
                        flags: scope.flags.filter { flags.contains($0.key) }, retain: declaration.retainWhenDisabled))
            } else {
                included.append(declaration)
            }
        }
        let fleets = fleets(of: included, scope: scope, diagnostics: &diagnostics)
        scope.fleets = fleets.mapValues(\.members)
        var resources: [Resource] = []
        var referenceOnlyEdges: [String: Set<String>] = [:]
        for declaration in included {
            for (resource, referenced) in members(
                of: declaration, fleet: fleets[declaration.address], scope: scope, diagnostics: &diagnostics)
            {
                resources.append(resource)
                referenceOnlyEdges[resource.address] = referenced
            }
        }
        reportCycles(in: resources, referenceEdges: referenceOnlyEdges, diagnostics: &diagnostics)
        var stack = Stack(
            name: document.stack ?? "", resources: resources, defaults: document.defaults, flags: scope.flags,
            variables: scope.variables, source: SourceLocation(file: fileName),
            sensitiveVariables: scope.sensitiveVariables)
        stack.disabled = disabled
        stack.rolloutGroups = rolloutGroups(document, resources: resources, scope: scope, diagnostics: &diagnostics)
        return stack
    }

    /// Reports each cycle among `resources` once, at the resource of the cycle declared first.
    private func reportCycles(
        in resources: [Resource], referenceEdges: [String: Set<String>], diagnostics: inout Diagnostics
    ) {
        let addresses = Set(resources.map(\.address))
        var edges: [String: [String]] = [:]
        for resource in resources {
            edges[resource.address] = resource.dependencies.filter { $0 != resource.address && addresses.contains($0) }
        }
        let graph = DependencyGraph(nodes: resources.map(\.address), edges: edges)
        for cycle in graph.cycles() {
            guard let first = resources.first(where: { $0.address == cycle[0] }) else { continue }
            let byReference = zip(cycle, cycle.dropFirst()).allSatisfy { from, to in
                referenceEdges[from]?.contains(to) ?? false
            }
            let path = cycle.joined(separator: " -> ")
            let detail: String =
                if cycle.count == 3 && byReference {
                    "Each reads the other's outputs; remove one reference or a depends_on."
                } else if byReference {
                    "Each reads the next one's outputs, so none can be created first; remove one reference or "
                        + "a depends_on."
                } else {
                    "Each waits for the next, so none can be created first; remove one reference or a depends_on."
                }
            diagnostics.error(
                "\(byReference ? "reference" : "dependency") cycle: \(path)", detail: detail, address: first.address,
                at: first.location)
        }
    }
}
