extension SpecDocument {
    /// Reads the top level of a spec, reporting unknown keys, bad names and values of the
    /// wrong kind; what it cannot read is left out (and reported), so that later checks still
    /// run on the rest.
    init(_ root: SpecNode, diagnostics: inout Diagnostics) {
        stackLocation = root.location
        guard root.entries != nil else {
            diagnostics.error(
                "the spec must be a map with `stack:` and `resources:` at the top level "
                    + "(found \(root.kindWithArticle))",
                detail: "Start the file with `stack: NAME`.", at: root.location)
            return
        }
        let top = Self.fields(of: root, allowed: Self.topLevelKeys, in: "the top level", diagnostics: &diagnostics)
        if let entry = top["stack"] {
            stackLocation = entry.value.location
            if let name = Self.string(entry, in: "stack", diagnostics: &diagnostics) {
                if Self.isStackName(name) {
                    stack = name
                } else {
                    diagnostics.error(
                        "stack name `\(name)` is not allowed",
                        detail:
                            "Use 1 to 63 lower-case letters, digits and '-', starting with a letter (e.g. web-dev): "
                            + "the name becomes part of file paths and of the tags on every resource (stack/address).",
                        at: entry.value.location)
                }
            }
        } else {
            diagnostics.error(
                "the spec has no `stack:` name",
                detail:
                    "Add `stack: NAME` at the top (lower-case letters, digits and '-'): it names the stack's state.",
                at: root.location)
        }
        if let entry = top["variables"] {
            variablesLocation = entry.keyLocation
            readVariables(entry.value, diagnostics: &diagnostics)
        }
        if let entry = top["flags"] {
            flagsLocation = entry.keyLocation
            readFlags(entry.value, diagnostics: &diagnostics)
        }
        if let entry = top["defaults"] {
            readDefaults(entry.value, diagnostics: &diagnostics)
        }
        if let entry = top["resources"] {
            readResources(entry.value, diagnostics: &diagnostics)
        }
        if let entry = top["rollouts"] {
            readRolloutGroups(entry.value, diagnostics: &diagnostics)
        }
    }

    /// `rollouts:`: named groups of resources, each with its members and a rollout policy.
    private mutating func readRolloutGroups(_ node: SpecNode, diagnostics: inout Diagnostics) {
        for entry in Self.namedEntries(node, in: "rollouts", diagnostics: &diagnostics) {
            guard Self.checkName(entry, kind: "rollout", diagnostics: &diagnostics) else { continue }
            let context = "rollout \(entry.key)"
            var members: [Dependency] = []
            if let list = entry.value.entries?.first(where: { $0.key == "members" }) {
                if let elements = list.value.elements, !elements.isEmpty {
                    for element in elements {
                        if let name = element.string {
                            members.append(Dependency(address: name, location: element.location))
                        } else {
                            diagnostics.error(
                                "a member of \(context) must be a resource's name (found \(element.kindWithArticle))",
                                detail: "List resources by name, e.g. members: [cdn_eu, cdn_us]; a fleet's name "
                                    + "stands for all its members.", at: element.location)
                        }
                    }
                } else {
                    diagnostics.error(
                        "members of \(context) must be a list of resource names (found \(list.value.kindWithArticle))",
                        detail: "Write members: [cdn_eu, cdn_us, web]; a fleet's name stands for all its members.",
                        at: list.value.location)
                }
            } else if entry.value.entries != nil {
                diagnostics.error(
                    "\(context) has no members",
                    detail: "Name the resources it rolls out: members: [cdn_eu, cdn_us, web].", at: entry.keyLocation)
            }
            rolloutGroups.append(
                RolloutGroup(
                    name: entry.key, location: entry.keyLocation, members: members,
                    policy: Self.rolloutPolicy(
                        entry.value, context: context, address: entry.key, alsoAllowed: ["members"],
                        diagnostics: &diagnostics)))
        }
    }

    private mutating func readVariables(_ node: SpecNode, diagnostics: inout Diagnostics) {
        for entry in Self.namedEntries(node, in: "variables", diagnostics: &diagnostics) {
            guard Self.checkName(entry, kind: "variable", diagnostics: &diagnostics) else { continue }
            let context = "variable \(entry.key)"
            let fields = Self.fields(
                of: entry.value, allowed: Self.variableKeys, in: context, diagnostics: &diagnostics)
            let defaultValue = fields["default"].flatMap { $0.value.isNull ? nil : $0.value.value }
            variables.append(
                Variable(
                    name: entry.key, location: entry.keyLocation, defaultValue: defaultValue,
                    description: fields["description"].flatMap {
                        Self.string($0, in: context, diagnostics: &diagnostics)
                    },
                    sensitive: fields["sensitive"].flatMap { Self.bool($0, in: context, diagnostics: &diagnostics) }
                        ?? false
                ))
        }
    }

    private mutating func readFlags(_ node: SpecNode, diagnostics: inout Diagnostics) {
        for entry in Self.namedEntries(node, in: "flags", diagnostics: &diagnostics) {
            guard Self.checkName(entry, kind: "flag", diagnostics: &diagnostics) else { continue }
            let context = "flag \(entry.key)"
            let fields = Self.fields(of: entry.value, allowed: Self.flagKeys, in: context, diagnostics: &diagnostics)
            flags.append(
                Flag(
                    name: entry.key, location: entry.keyLocation,
                    defaultValue: fields["default"].flatMap { Self.bool($0, in: context, diagnostics: &diagnostics) }
                        ?? false,
                    description: fields["description"].flatMap {
                        Self.string($0, in: context, diagnostics: &diagnostics)
                    }))
        }
    }

    private mutating func readDefaults(_ node: SpecNode, diagnostics: inout Diagnostics) {
        let fields = Self.fields(of: node, allowed: Self.defaultsKeys, in: "defaults", diagnostics: &diagnostics)
        if let entry = fields["retry"] {
            defaults.retry = Self.retryPolicy(
                entry.value, base: defaults.retry, in: "defaults.retry", diagnostics: &diagnostics)
        }
        if let entry = fields["on_failure"], let text = Self.string(entry, in: "defaults", diagnostics: &diagnostics) {
            if let mode = Stack.FailureMode(rawValue: text) {
                defaults.onFailure = mode
            } else {
                diagnostics.error(
                    "on_failure `\(text)` is not a failure mode",
                    detail: SpecSuggestions.didYouMean(text, in: Stack.FailureMode.allCases.map(\.rawValue))
                        + "Use rollback (undo what the run did), halt (stop and keep it) or continue (carry on with "
                        + "the steps that do not depend on the failure).", at: entry.value.location)
            }
        }
        if let entry = fields["step_timeout"],
            let timeout = Self.duration(entry, in: "defaults", diagnostics: &diagnostics)
        {
            if timeout > .zero {
                defaults.stepTimeout = timeout
            } else {
                diagnostics.error(
                    "step_timeout must be longer than zero", detail: "Write a duration such as 5m.",
                    at: entry.value.location)
            }
        }
    }

    private mutating func readResources(_ node: SpecNode, diagnostics: inout Diagnostics) {
        for entry in Self.namedEntries(node, in: "resources", diagnostics: &diagnostics) {
            let address = entry.key
            if !Self.isAddress(address) {
                diagnostics.error(
                    "resource address `\(address)` is not allowed",
                    detail: "Use 1 to 63 lower-case letters, digits, '_' and '-', starting with a letter or '_' "
                        + "(e.g. web_server): addresses appear in references such as ${web_server.id} and in tags.",
                    address: address, at: entry.keyLocation)
                continue
            }
            if Self.reservedAddresses.contains(address) {
                diagnostics.error(
                    "resource address `\(address)` is reserved",
                    detail: "${\(address).NAME} reads "
                        + (["var": "a variable", "flag": "a flag", "count": "a fleet member's index"][address]
                            ?? "a fleet member's key or value") + "; choose another address.",
                    address: address, at: entry.keyLocation)
                continue
            }
            resources.append(Self.resource(entry, base: defaults.retry, diagnostics: &diagnostics))
        }
    }

    private static func resource(_ entry: SpecNode.Entry, base: RetryPolicy, diagnostics: inout Diagnostics)
        -> ResourceDeclaration
    {
        let context = "resource \(entry.key)"
        let fields = Self.fields(of: entry.value, allowed: resourceKeys, in: context, diagnostics: &diagnostics)
        var declaration = ResourceDeclaration(
            address: entry.key, location: entry.keyLocation, type: nil, typeLocation: entry.keyLocation,
            properties: [], dependsOn: [], when: fields["when"]?.value, retry: nil, lifecycle: Resource.Lifecycle())
        if let type = fields["type"] {
            declaration.type = string(type, in: context, diagnostics: &diagnostics)
            declaration.typeLocation = type.value.location
        } else if entry.value.entries != nil {
            diagnostics.error(
                "resource \(entry.key) has no type",
                detail: "Add `type:` with one of the provider types (e.g. sim.network or file).", address: entry.key,
                at: entry.keyLocation)
        }
        if let properties = fields["properties"], !properties.value.isNull {
            if let entries = properties.value.entries {
                declaration.properties = entries
            } else {
                diagnostics.error(
                    "properties of resource \(entry.key) must be a map (found \(properties.value.kindWithArticle))",
                    detail: "Write them as `name: value` lines under `properties:`.", address: entry.key,
                    at: properties.value.location)
            }
        }
        if let dependsOn = fields["depends_on"] {
            declaration.dependsOn = dependencies(dependsOn.value, of: entry.key, diagnostics: &diagnostics)
        }
        if let retry = fields["retry"] {
            declaration.retry = retryPolicy(
                retry.value, base: base, in: "retry of \(context)", diagnostics: &diagnostics)
        }
        if let lifecycle = fields["lifecycle"] {
            let inner = "lifecycle of \(context)"
            let f = Self.fields(of: lifecycle.value, allowed: lifecycleKeys, in: inner, diagnostics: &diagnostics)
            if let e = f["prevent_destroy"], let b = bool(e, in: inner, diagnostics: &diagnostics) {
                declaration.lifecycle.preventDestroy = b
            }
            if let e = f["compensate"], let b = bool(e, in: inner, diagnostics: &diagnostics) {
                declaration.lifecycle.compensate = b
            }
            if let e = f["on_disable"] {
                declaration.retainWhenDisabled = onDisable(e, in: inner, diagnostics: &diagnostics)
            }
        }
        readFleet(fields, into: &declaration, diagnostics: &diagnostics)
        if let ignore = fields["ignore_drift"] {
            declaration.ignoreDrift = ignoredFields(ignore.value, of: entry.key, diagnostics: &diagnostics)
        }
        return declaration
    }

    /// `ignore_drift: [field, ...]`: property paths whose drift is shown but not counted.
    private static func ignoredFields(_ node: SpecNode, of address: String, diagnostics: inout Diagnostics)
        -> [IgnoredField]
    {
        if let single = node.string { return [IgnoredField(path: single, location: node.location)] }
        guard let elements = node.elements else {
            diagnostics.error(
                "ignore_drift of resource \(address) must be a list of property names (found \(node.kindWithArticle))",
                detail: "Write it as `ignore_drift: [tags, ingress]`.", address: address, at: node.location)
            return []
        }
        return elements.compactMap { element in
            guard let path = element.string, !path.isEmpty else {
                diagnostics.error(
                    "ignore_drift of resource \(address) lists \(element.kindWithArticle), not a property name",
                    detail: "Write property names, e.g. `ignore_drift: [tags]` or a path such as `tags.owner`.",
                    address: address, at: element.location)
                return nil
            }
            return IgnoredField(path: path, location: element.location)
        }
    }

    private static func dependencies(_ node: SpecNode, of address: String, diagnostics: inout Diagnostics)
        -> [Dependency]
    {
        if let single = node.string { return [Dependency(address: single, location: node.location)] }
        guard let elements = node.elements else {
            diagnostics.error(
                "depends_on of resource \(address) must be a list of addresses (found \(node.kindWithArticle))",
                detail: "Write it as `depends_on: [net, subnet]`.", address: address, at: node.location)
            return []
        }
        return elements.compactMap { element in
            guard let name = element.string else {
                diagnostics.error(
                    "depends_on of resource \(address) lists \(element.kindWithArticle), not an address",
                    detail: "Write the addresses of other resources, e.g. `depends_on: [net]`.", address: address,
                    at: element.location)
                return nil
            }
            return Dependency(address: name, location: element.location)
        }
    }

    /// The entries of a map whose keys are names (`variables`, `flags`, `resources`).
    private static func namedEntries(_ node: SpecNode, in context: String, diagnostics: inout Diagnostics)
        -> [SpecNode.Entry]
    {
        if node.isNull { return [] }
        guard let entries = node.entries else {
            diagnostics.error(
                "`\(context)` must be a map of names to settings (found \(node.kindWithArticle))",
                detail: "Write one `name:` per line under `\(context):`.", at: node.location)
            return []
        }
        return entries
    }

    private static func checkName(_ entry: SpecNode.Entry, kind: String, diagnostics: inout Diagnostics) -> Bool {
        guard !isAddress(entry.key) else { return true }
        diagnostics.error(
            "\(kind) name `\(entry.key)` is not allowed",
            detail: "Use 1 to 63 lower-case letters, digits, '_' and '-', starting with a letter or '_'.",
            at: entry.keyLocation)
        return false
    }
}
