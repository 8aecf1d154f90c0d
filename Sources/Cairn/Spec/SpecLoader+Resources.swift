extension SpecLoader {
    /// Builds one included resource: substitutes its properties, checks them against the
    /// type's schema, and checks its references and `depends_on`. Also returns the addresses it
    /// reads outputs of (for naming cycles).
    func resource(
        _ declaration: SpecDocument.ResourceDeclaration, scope: Scope, diagnostics: inout Diagnostics
    ) -> (Resource, referenced: Set<String>) {
        let address = declaration.address
        let schema = declaration.type.flatMap {
            self.schema(for: $0, of: declaration, diagnostics: &diagnostics)
        }
        var properties: [String: Value] = [:]
        var references: [(reference: Template.Reference, location: SourceLocation)] = []
        var sensitive: Set<String> = []
        for entry in declaration.properties {
            var findings = TemplateFindings()
            let before = diagnostics.items.count
            let value = substitute(
                entry.value, context: "property \(entry.key) of resource \(address)", scope: scope,
                findings: &findings, diagnostics: &diagnostics)
            properties[entry.key] = value
            references += findings.references
            if findings.sensitive { sensitive.insert(entry.key) }
            guard let schema else { continue }
            guard let property = schema.property(entry.key) else {
                let names = schema.properties.map(\.name)
                diagnostics.error(
                    "unknown property `\(entry.key)` for \(schema.type)",
                    detail: SpecSuggestions.didYouMean(entry.key, in: names)
                        + "Properties of \(schema.type): \(Self.describe(schema.properties)).", address: address,
                    at: entry.keyLocation)
                continue
            }
            // A value that reads another resource is known only during the run.
            guard findings.references.isEmpty, diagnostics.items.count == before,
                let problem = property.problem(with: value)
            else { continue }
            let hint = property.format?.problem(with: .null).flatMap { problem.hasPrefix($0) ? nil : $0 }
            let found = property.sensitive || findings.sensitive ? "" : " Found \(Self.shown(value))."
            diagnostics.error(
                "property \(entry.key) of resource \(address): \(problem)",
                detail: ((hint.map { "\(Self.capitalized($0))." } ?? "") + found).trimmingLeadingSpace,
                address: address, at: entry.value.location)
        }
        if let schema {
            for property in schema.properties where property.required && properties[property.name] == nil {
                diagnostics.error(
                    "resource \(address) is missing the required property `\(property.name)`",
                    detail: "\(schema.type) needs \(property.name); add it under `properties:`.", address: address,
                    at: declaration.location)
            }
        }
        let referenced = checkReferences(references, of: address, scope: scope, diagnostics: &diagnostics)
        let dependsOn = checkDependsOn(declaration, scope: scope, diagnostics: &diagnostics)
        var resource = Resource(
            address: address, type: declaration.type ?? "", properties: properties, dependsOn: dependsOn,
            retry: declaration.retry, lifecycle: declaration.lifecycle, location: declaration.location,
            sensitiveProperties: sensitive)
        resource.ignoreDrift = checkIgnoreDrift(declaration, schema: schema, diagnostics: &diagnostics)
        return (resource, referenced)
    }

    private func schema(
        for type: String, of declaration: SpecDocument.ResourceDeclaration, diagnostics: inout Diagnostics
    ) -> ResourceSchema? {
        if let schema = registry.schema(for: type) { return schema }
        let known = registry.types
        diagnostics.error(
            "unknown resource type `\(type)`",
            detail: SpecSuggestions.didYouMean(type, in: known)
                + (known.isEmpty ? "No providers are registered." : "Known types: \(SpecSuggestions.list(known))."),
            address: declaration.address, at: declaration.typeLocation)
        return nil
    }

    /// Checks `${name.attribute}` references; returns the included addresses they read.
    private func checkReferences(
        _ references: [(reference: Template.Reference, location: SourceLocation)], of address: String, scope: Scope,
        diagnostics: inout Diagnostics
    ) -> Set<String> {
        var referenced: Set<String> = []
        for (reference, location) in references {
            let target = reference.resource
            let name = ResourceAddress.name(of: target)  // the fleet's name for a member
            if target == address || target == scope.member?.address.description {
                diagnostics.error(
                    "resource \(address) reads its own attribute ${\(reference)}",
                    detail: "A resource cannot wait for itself; remove the reference.", address: address, at: location)
                continue
            }
            guard let declaration = scope.declared[name] else {
                let names = scope.document.resources.map(\.address)
                diagnostics.error(
                    "resource \(address) reads ${\(reference)}, but there is no resource `\(name)`",
                    detail: SpecSuggestions.didYouMean(name, in: names)
                        + "Declared resources: \(SpecSuggestions.list(names)).", address: address, at: location)
                continue
            }
            if let condition = scope.disabled[name] {
                diagnostics.error(
                    "resource \(address) reads ${\(reference)}, but resource \(target) is disabled by its `when` "
                        + "(\(condition) is false)",
                    detail: "Give \(address) a `when` that implies \(target)'s, or change the flags or variables so "
                        + "that \(target) is included.", address: address, at: location)
                continue
            }
            if let problem = fleetProblem(target, name: name, scope: scope) {
                diagnostics.error(
                    "resource \(address) reads ${\(reference)}, but \(problem.summary)", detail: problem.detail,
                    address: address, at: location)
                continue
            }
            referenced.insert(target)
            guard let type = declaration.type, let schema = registry.schema(for: type) else { continue }
            let attributes = schema.outputs + schema.properties.map(\.name).filter { !schema.outputs.contains($0) }
            guard !attributes.contains(reference.attribute) else { continue }
            diagnostics.error(
                "resource \(address) reads ${\(reference)}, but \(type) has no attribute `\(reference.attribute)`",
                detail: SpecSuggestions.didYouMean(reference.attribute, in: attributes)
                    + "Valid attributes of \(target): \(SpecSuggestions.list(attributes)).", address: address,
                at: location)
        }
        return referenced
    }

    /// Checks `depends_on`; returns the included targets, each once. Targets left out by their
    /// `when` are dropped: there is nothing to wait for.
    private func checkDependsOn(
        _ declaration: SpecDocument.ResourceDeclaration, scope: Scope, diagnostics: inout Diagnostics
    ) -> [String] {
        var targets: [String] = []
        let address = declaration.address
        for dependency in declaration.dependsOn {
            let target = dependency.address
            let name = ResourceAddress.name(of: target)  // the fleet's name for a member
            if target == address || target == scope.member?.address.description {
                diagnostics.error(
                    "resource \(address) depends on itself",
                    detail: "Remove \(address) from its own depends_on.", address: address, at: dependency.location)
            } else if scope.declared[name] == nil {
                let names = scope.document.resources.map(\.address)
                diagnostics.error(
                    "resource \(address) depends on `\(target)`, which is not declared",
                    detail: SpecSuggestions.didYouMean(name, in: names)
                        + "Declared resources: \(SpecSuggestions.list(names)).", address: address,
                    at: dependency.location)
            } else if target != name, let problem = fleetProblem(target, name: name, scope: scope) {
                diagnostics.error(
                    "resource \(address) depends on `\(target)`, but \(problem.summary)", detail: problem.detail,
                    address: address, at: dependency.location)
            } else if scope.disabled[name] == nil {
                // A fleet's name stands for every member.
                for t in dependencyTargets(target, scope: scope) where !targets.contains(t) { targets.append(t) }
            }
        }
        return targets
    }

    private static func describe(_ properties: [PropertySchema]) -> String {
        SpecSuggestions.list(properties.map { $0.required ? "\($0.name) (required)" : $0.name })
    }

    private static func shown(_ value: Value) -> String {
        switch value {
        case .string(let s): "\"\(s)\""
        case .list, .map: "a \(value.kindName)"
        default: "\(value.kindName) \(value.interpolated)"
        }
    }

    private static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }
}

extension String {
    fileprivate var trimmingLeadingSpace: String {
        String(drop { $0 == " " })
    }
}
