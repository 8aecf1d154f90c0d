extension SpecLoader {
    /// The most members one fleet may have.
    static let maxFleetSize = 10_000

    /// One member of a fleet: its address, and what `${count.index}`, `${each.key}` and
    /// `${each.value}` read in it.
    struct FleetMember {
        var address: ResourceAddress
        /// The index (`count`) or the position in `for_each` order.
        var position: Int
        /// The `for_each` key (the index as text for `count`).
        var key: String
        /// The `for_each` value (the key itself for a list).
        var value: Value
        /// True for a `count` fleet.
        var counted: Bool
    }

    /// The members of each included fleet, decided from `count:` and `for_each:` (which may
    /// read variables and flags, but no resource), and the flags that sized each fleet.
    func fleets(
        of declarations: [SpecDocument.ResourceDeclaration], scope: Scope, diagnostics: inout Diagnostics
    ) -> [String: (members: [FleetMember], flags: [String])] {
        var out: [String: (members: [FleetMember], flags: [String])] = [:]
        for declaration in declarations {
            let name = declaration.address
            guard let node = declaration.count ?? declaration.forEach else { continue }
            let counted = declaration.count != nil
            let key = counted ? "count" : "for_each"
            var findings = TemplateFindings()
            let before = diagnostics.items.count
            let value = substitute(
                node, context: "\(key) of resource \(name)", scope: scope, findings: &findings,
                diagnostics: &diagnostics)
            guard diagnostics.items.count == before else {
                out[name] = ([], [])
                continue
            }
            if let first = findings.references.first {
                diagnostics.error(
                    "\(key) of resource \(name) reads ${\(first.reference)}, another resource's attribute",
                    detail: "The size of a fleet must be known before anything is created: use a number, a list, "
                        + "a map, a variable or a choice over flags.", address: name, at: first.location)
                out[name] = ([], [])
                continue
            }
            let members =
                counted
                ? countMembers(value, of: name, at: node.location, diagnostics: &diagnostics)
                : forEachMembers(value, of: name, at: node.location, diagnostics: &diagnostics)
            if let policy = declaration.rollout {
                checkWaves(
                    policy, fleetSize: members.count, of: name, at: declaration.rolloutLocation ?? node.location,
                    diagnostics: &diagnostics)
            }
            out[name] = (members, Self.flagsRead(by: node, scope: scope))
        }
        return out
    }

    private func countMembers(
        _ value: Value, of name: String, at location: SourceLocation, diagnostics: inout Diagnostics
    )
        -> [FleetMember]
    {
        guard let n = value.intValue, n >= 0, n <= Self.maxFleetSize else {
            diagnostics.error(
                "count of resource \(name) must be a whole number from 0 to \(Self.maxFleetSize) "
                    + "(found \(Self.describe(value)))",
                detail: "Write count: 3, or read a variable: count: \"${var.replicas}\".", address: name, at: location)
            return []
        }
        return (0..<n).map {
            FleetMember(
                address: ResourceAddress(name: name, member: .index($0)), position: $0, key: String($0),
                value: .int($0), counted: true)
        }
    }

    private func forEachMembers(
        _ value: Value, of name: String, at location: SourceLocation, diagnostics: inout Diagnostics
    ) -> [FleetMember] {
        let pairs: [(key: String, value: Value)]
        switch value {
        case .list(let elements):
            var keys: [(String, Value)] = []
            for element in elements {
                guard let key = element.stringValue else {
                    diagnostics.error(
                        "for_each of resource \(name) lists \(Self.describe(element)); a list's elements are the "
                            + "members' keys, so they must be text",
                        detail: "Write for_each: [eu, us], or a map for values of other kinds: for_each: { eu: 3 }.",
                        address: name, at: location)
                    return []
                }
                keys.append((key, element))
            }
            pairs = keys
        case .map(let map):
            pairs = map.keys.sorted().map { ($0, map[$0]!) }
        default:
            diagnostics.error(
                "for_each of resource \(name) must be a list of keys or a map (found \(Self.describe(value)))",
                detail: "Write for_each: [eu, us] or for_each: { eu: small, us: large }.", address: name, at: location)
            return []
        }
        guard pairs.count <= Self.maxFleetSize else {
            diagnostics.error(
                "for_each of resource \(name) has \(pairs.count) members; at most \(Self.maxFleetSize) are allowed",
                detail: "Split the fleet.", address: name, at: location)
            return []
        }
        var seen = Set<String>()
        var members: [FleetMember] = []
        for (position, pair) in pairs.enumerated() {
            guard ResourceAddress.isKey(pair.key) else {
                diagnostics.error(
                    "for_each of resource \(name) has the key \"\(pair.key)\", which cannot name a member",
                    detail: "Keys are 1 to 63 letters, digits, '_' and '-': they become part of addresses such as "
                        + "\(name)[\"eu-west\"], of tags and of state.", address: name, at: location)
                continue
            }
            guard seen.insert(pair.key).inserted else {
                diagnostics.error(
                    "for_each of resource \(name) lists \"\(pair.key)\" twice",
                    detail: "Each key names one member; list it once.", address: name, at: location)
                continue
            }
            members.append(
                FleetMember(
                    address: ResourceAddress(name: name, member: .key(pair.key)), position: position, key: pair.key,
                    value: pair.value, counted: false))
        }
        return members
    }

    /// The resources one included declaration makes: itself, or one per member of its fleet
    /// (problems that every member shares are reported once). Each comes with the addresses
    /// whose outputs it reads.
    func members(
        of declaration: SpecDocument.ResourceDeclaration, fleet: (members: [FleetMember], flags: [String])?,
        scope: Scope, diagnostics: inout Diagnostics
    ) -> [(Resource, referenced: Set<String>)] {
        let condition = Self.condition(of: declaration)
        var flagsRead: [String: [String]] = [:]
        for entry in declaration.properties {
            let flags = Self.flagsRead(by: entry.value, scope: scope)
            if !flags.isEmpty { flagsRead[entry.key] = flags }
        }
        if let condition, !condition.flags.isEmpty { flagsRead["when"] = condition.flags }
        if let fleet, !fleet.flags.isEmpty { flagsRead["count"] = fleet.flags }
        func finish(_ resource: inout Resource) {
            resource.condition = condition?.text
            resource.flagsRead = flagsRead
        }
        guard let fleet else {
            var (resource, referenced) = resource(declaration, scope: scope, diagnostics: &diagnostics)
            finish(&resource)
            return [(resource, referenced)]
        }
        var out: [(Resource, referenced: Set<String>)] = []
        var reported = Set(diagnostics.items.map(\.description))
        for member in fleet.members {
            var memberScope = scope
            memberScope.member = member
            var own = Diagnostics()
            var (resource, referenced) = resource(declaration, scope: memberScope, diagnostics: &own)
            for item in own.items where reported.insert(item.description).inserted { diagnostics.items.append(item) }
            resource.address = member.address.description
            resource.fleet = declaration.address
            resource.rollout = declaration.rollout
            finish(&resource)
            out.append((resource, referenced))
        }
        return out
    }

    /// A resource's `when:` as text, with the flags it reads (nil without a `when:`).
    static func condition(of declaration: SpecDocument.ResourceDeclaration) -> (text: String, flags: [String])? {
        guard let node = declaration.when else { return nil }
        if case .bool(let b) = node.scalar?.value { return (b ? "true" : "false", []) }
        guard let text = node.string, let parsed = try? Condition(parsing: text) else { return nil }
        var flags: [String] = []
        for name in parsed.flagNames where !flags.contains(name) { flags.append(name) }
        return (parsed.description, flags)
    }

    /// What is wrong with reading `target` (`web`, `web[3]`, `web["eu"]`) of the declared
    /// resource `name`: a fleet read without naming a member, a member of something that is
    /// not a fleet, a member the fleet does not have.
    func fleetProblem(_ target: String, name: String, scope: Scope) -> (summary: String, detail: String)? {
        let members = scope.fleets[name]
        guard let address = ResourceAddress(parsing: target) else {
            return (
                "`\(target)` is not an address",
                "Name a resource (web), or a member of a fleet: web[0] (count) or web[\"eu\"] (for_each)."
            )
        }
        switch (address.member, members) {
        case (nil, nil):
            return nil
        case (nil, let members?):
            let example = members.first?.address.description ?? "\(name)[0]"
            return (
                "\(name) is a fleet of \(members.count)",
                "Read one member, e.g. ${\(example).id}, or all of them as a list, ${\(name)[*].id}."
            )
        case (_?, nil):
            return ("\(name) is not a fleet", "Read it as ${\(name).ATTRIBUTE}, or give it count: or for_each:.")
        case (let member?, let members?):
            if members.contains(where: { $0.address.member == member }) { return nil }
            let names = members.prefix(5).map(\.address.description).joined(separator: ", ")
            return (
                "fleet \(name) has no member \(address)",
                members.isEmpty
                    ? "The fleet has no members now (count 0 or an empty for_each)."
                    : "Its members are \(names)\(members.count > 5 ? ", ..." : "") (\(members.count) in all)."
            )
        }
    }

    /// The addresses a `depends_on` target stands for: every member of a fleet, or itself.
    func dependencyTargets(_ target: String, scope: Scope) -> [String] {
        guard let address = ResourceAddress(parsing: target) else { return [target] }
        if address.member == nil, let members = scope.fleets[address.name] { return members.map(\.address.description) }
        return [address.description]
    }

    /// Wave sizes as written must not shrink for the fleet's (or rollout group's) size
    /// (`[50%, 3]` over 100 members goes from 50 back to 3).
    func checkWaves(
        _ policy: RolloutPolicy, fleetSize: Int, of name: String, kind: String = "resource", at location: SourceLocation,
        diagnostics: inout Diagnostics
    ) {
        var last = 0
        for size in policy.waves {
            let members = RolloutPolicy.members(size, of: fleetSize)
            if members < last {
                diagnostics.error(
                    "the waves of \(kind) \(name) shrink: \(size) is \(members) of its \(fleetSize) members, fewer "
                        + "than the \(last) of an earlier wave",
                    detail: "Wave sizes are cumulative; order them from the smallest to the whole fleet.",
                    address: name, at: location)
                return
            }
            last = members
        }
    }

    /// The flags a node's `${...}` expressions read (a choice: only those that decide it).
    static func flagsRead(by node: SpecNode, scope: Scope) -> [String] {
        var out: [String] = []
        func visit(_ node: SpecNode) {
            switch node.content {
            case .list(let elements): elements.forEach(visit)
            case .map(let entries): entries.forEach { visit($0.value) }
            case .scalar(let scalar):
                guard case .string(let text) = scalar.value, text.contains("${") else { return }
                for case .expression(let e) in Template.parts(of: text) ?? [] {
                    let names: [String] =
                        if e.hasPrefix("flag."), !isComplex(e) {
                            [String(e.dropFirst(5))]
                        } else if isComplex(e), let parsed = try? Condition(parsingExpression: e) {
                            parsed.decidingFlags(flags: scope.flags, variables: scope.variables)
                        } else {
                            []
                        }
                    for name in names where !out.contains(name) { out.append(name) }
                }
            }
        }
        visit(node)
        return out
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let s): "\"\(s)\""
        case .list, .map: "a \(value.kindName)"
        default: "\(value.kindName) \(value.interpolated)"
        }
    }
}
