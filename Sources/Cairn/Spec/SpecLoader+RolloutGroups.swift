extension SpecLoader {
    /// The `rollouts:` groups with their members resolved: a fleet's name stands for all its
    /// members; a resource switched off by `when` is left out. Each member belongs to one
    /// rollout only, so a fleet with `rollout:` of its own cannot be a member; the waves must not
    /// shrink for the group's size.
    func rolloutGroups(
        _ document: SpecDocument, resources: [Resource], scope: Scope, diagnostics: inout Diagnostics
    ) -> [Stack.RolloutGroup] {
        let included = Set(resources.map(\.address))
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
            for member in group.members {
                let addresses: [String]
                if let fleet = scope.fleets[member.address] {
                    addresses = fleet.map(\.address.description)
                } else if included.contains(member.address) {
                    addresses = [member.address]
                } else if scope.disabled[member.address] != nil {
                    continue
                } else {
                    diagnostics.error(
                        "rollout \(group.name) names \(member.address), which the spec does not declare",
                        detail: SpecSuggestions.didYouMean(member.address, in: declared)
                            + "Members are resources or fleets declared under resources:.", at: member.location)
                    continue
                }
                for address in addresses {
                    if members.contains(address) {
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
