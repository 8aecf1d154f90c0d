extension SpecLoader {
    /// The `rollouts:` groups with their members resolved: a fleet's name stands for all its
    /// members; a resource switched off by `when` is left out. Each member belongs to one
    /// rollout only, so a fleet with `rollout:` of its own cannot be a member; the waves must not
    /// shrink for the group's size.
    func rolloutGroups(
        _ document: SpecDocument, resources: [Resource], scope: Scope, diagnostics: inout Diagnostics
    ) -> [Stack.RolloutGroup] {
        let declared = document.resources.map(\.address)
        var owner: [String: String] = [:]
        for resource in resources where resource.rollout != nil {
            owner[resource.address] = "the rollout of fleet \(resource.fleet ?? resource.address)"
        }
        var groups: [Stack.RolloutGroup] = []
        for group in document.rolloutGroups {
            if declared.contains(group.name) {
                diagnostics.error(
                    "rollout \(group.name) has the name of a resource",
                    detail: "Waves are reported by the rollout's name; give it another (e.g. \(group.name)_rollout).",
                    at: group.location)
            }
            var members: [String] = []
            var listed: Set<String> = []  // `members` as a set: a fleet may bring thousands
            for member in group.members {
                guard let parsed = ResourceAddress(parsing: member.address) else {
                    diagnostics.error(
                        "rollout \(group.name) names `\(member.address)`, which is not an address",
                        detail: "Name a resource (cdn_eu), a fleet (web: all its members) or one member (web[0]).",
                        at: member.location)
                    continue
                }
                if scope.disabled[parsed.name] != nil { continue }  // switched off by `when`: not in this run
                guard declared.contains(parsed.name) else {
                    diagnostics.error(
                        "rollout \(group.name) names \(member.address), which the spec does not declare",
                        detail: SpecSuggestions.didYouMean(parsed.name, in: declared)
                            + "Members are resources or fleets declared under resources:.", at: member.location)
                    continue
                }
                if let problem = parsed.member == nil ? nil : fleetProblem(member.address, name: parsed.name, scope: scope) {
                    diagnostics.error(
                        "rollout \(group.name) names \(member.address): \(problem.summary)", detail: problem.detail,
                        at: member.location)
                    continue
                }
                let addresses =
                    parsed.member == nil
                    ? scope.fleets[parsed.name]?.map(\.address.description) ?? [parsed.name]
                    : [parsed.description]
                if let fleet = scope.fleets[parsed.name], let first = fleet.first?.address.description,
                    let other = owner[first], other.hasPrefix("the rollout of fleet")
                {
                    // A fleet with a rollout of its own: said once, not once per member.
                    diagnostics.error(
                        "rollout \(group.name) names \(member.address), which is in \(other)",
                        detail: "A resource rolls out in one rollout only; remove the fleet's rollout: or the member.",
                        address: parsed.name, at: member.location)
                    continue
                }
                for address in addresses {
                    if listed.contains(address) {
                        diagnostics.error(
                            "rollout \(group.name) lists \(address) twice",
                            detail: "Name each member once; a fleet's name already stands for all its members.",
                            address: address, at: member.location)
                    } else if let other = owner[address] {
                        diagnostics.error(
                            "\(address) is in rollout \(group.name) and in \(other)",
                            detail: "A resource rolls out in one rollout only; remove it from one of them.",
                            address: address, at: member.location)
                    } else {
                        owner[address] = "rollout \(group.name)"
                        members.append(address)
                        listed.insert(address)
                    }
                }
            }
            guard let policy = group.policy else { continue }
            checkWaves(
                policy, fleetSize: members.count, of: group.name, kind: "rollout", at: group.location,
                diagnostics: &diagnostics)
            groups.append(Stack.RolloutGroup(name: group.name, members: members, policy: policy))
        }
        return groups
    }
}
