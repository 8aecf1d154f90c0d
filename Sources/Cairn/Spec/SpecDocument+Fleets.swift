import Foundation

extension SpecDocument {
    static let rolloutKeys = ["waves", "max_failures", "pause", "verify", "rollback"]

    /// Reads `count:`, `for_each:` and `rollout:` of a resource. The size of a fleet may come
    /// from variables and flags, so `count` and `for_each` are kept as written and decided when
    /// the spec is compiled.
    static func readFleet(
        _ fields: [String: SpecNode.Entry], into declaration: inout ResourceDeclaration,
        diagnostics: inout Diagnostics
    ) {
        let address = declaration.address
        declaration.count = fields["count"]?.value
        declaration.forEach = fields["for_each"]?.value
        if let count = fields["count"], fields["for_each"] != nil {
            diagnostics.error(
                "resource \(address) has both count and for_each",
                detail: "A fleet is sized by one of them: count: N for N alike members, or for_each: [keys] / "
                    + "{key: value} for one member per key.", address: address, at: count.keyLocation)
        }
        guard let rollout = fields["rollout"] else { return }
        declaration.rolloutLocation = rollout.keyLocation
        guard fields["count"] != nil || fields["for_each"] != nil else {
            diagnostics.error(
                "resource \(address) has a rollout but is not a fleet",
                detail: "A rollout applies a fleet's changes in waves; give the resource count: N or for_each: "
                    + "[keys], or remove rollout:.", address: address, at: rollout.keyLocation)
            return
        }
        declaration.rollout = rolloutPolicy(
            rollout.value, context: "rollout of resource \(address)", address: address, diagnostics: &diagnostics)
    }

    /// `on_disable: delete | retain`; true for `retain`.
    static func onDisable(_ entry: SpecNode.Entry, in context: String, diagnostics: inout Diagnostics) -> Bool {
        guard let text = string(entry, in: context, diagnostics: &diagnostics) else { return false }
        switch text {
        case "retain": return true
        case "delete": return false
        default:
            diagnostics.error(
                "on_disable `\(text)` of \(context) is not a choice",
                detail: SpecSuggestions.didYouMean(text, in: ["delete", "retain"])
                    + "Use delete (the default: a resource switched off by `when` is deleted) or retain (Cairn "
                    + "forgets it and leaves it in the world).", at: entry.value.location)
            return false
        }
    }

    /// Reads a rollout policy (a fleet's `rollout:`, an entry of `rollouts:`, which may also
    /// have the keys `alsoAllowed`) into a policy; nil (with the problems reported) when it cannot.
    static func rolloutPolicy(
        _ node: SpecNode, context: String, address: String, alsoAllowed: [String] = [], diagnostics: inout Diagnostics
    ) -> RolloutPolicy? {
        let before = diagnostics.items.count
        let fields = fields(of: node, allowed: alsoAllowed + rolloutKeys, in: context, diagnostics: &diagnostics)
        var policy = RolloutPolicy()
        if let entry = fields["waves"] {
            policy.waves = waves(entry, in: context, diagnostics: &diagnostics)
        } else if node.entries != nil {
            diagnostics.error(
                "\(context) has no waves",
                detail: "Give the cumulative wave sizes, e.g. `waves: [1, 10%, 50%, 100%]`.", address: address,
                at: node.location)
        }
        if let entry = fields["max_failures"] {
            if let size = size(entry.value, allowZero: true) {
                policy.maxFailures = size
            } else {
                diagnostics.error(
                    "max_failures of \(context) must be a whole number or a percentage (found \(shown(entry.value)))",
                    detail: "Write how many members of one wave may fail before the run halts: 0 (the default), 2, "
                        + "or \"10%\" of the wave (rounded down).", address: address, at: entry.value.location)
            }
        }
        if let entry = fields["pause"], let pause = duration(entry, in: context, diagnostics: &diagnostics) {
            policy.pause = pause
        }
        if let entry = fields["verify"], let verify = bool(entry, in: context, diagnostics: &diagnostics) {
            policy.verify = verify
        }
        if let entry = fields["rollback"], let text = string(entry, in: context, diagnostics: &diagnostics) {
            if let scope = RolloutPolicy.RollbackScope(rawValue: text) {
                policy.rollback = scope
            } else {
                diagnostics.error(
                    "rollback `\(text)` of \(context) is not a choice",
                    detail: SpecSuggestions.didYouMean(text, in: RolloutPolicy.RollbackScope.allCases.map(\.rawValue))
                        + "Use wave (undo only the wave that failed; the default) or run (undo the whole run). It "
                        + "applies when the failure mode is rollback.", address: address, at: entry.value.location)
            }
        }
        return diagnostics.items.count == before ? policy : nil
    }

    private static func waves(_ entry: SpecNode.Entry, in context: String, diagnostics: inout Diagnostics)
        -> [RolloutPolicy.Size]
    {
        guard let elements = entry.value.elements, !elements.isEmpty else {
            diagnostics.error(
                "waves of \(context) must be a list of sizes (found \(shown(entry.value)))",
                detail: "Write cumulative sizes: counts and percentages of the fleet, e.g. [1, 10%, 50%, 100%].",
                at: entry.value.location)
            return []
        }
        var sizes: [RolloutPolicy.Size] = []
        var lastCount = 0
        var lastPercent = 0.0
        for element in elements {
            guard let size = size(element, allowZero: false) else {
                diagnostics.error(
                    "a wave size of \(context) must be a whole number of at least 1 or a percentage from 1% to 100% "
                        + "(found \(shown(element)))",
                    detail: "Sizes are cumulative: [1, 10%, 100%] is one member, then up to 10% in all, then the rest.",
                    at: element.location)
                continue
            }
            let grows: Bool
            switch size {
            case .count(let n):
                grows = n > lastCount
                lastCount = max(lastCount, n)
            case .percent(let p):
                grows = p > lastPercent
                lastPercent = max(lastPercent, p)
            }
            if !grows {
                diagnostics.error(
                    "wave size \(size) of \(context) is not larger than an earlier one",
                    detail: "Wave sizes are cumulative (how many members have rolled out once the wave is done), so "
                        + "each is larger than the one before: [1, 10%, 50%, 100%].", at: element.location)
            }
            sizes.append(size)
        }
        return sizes
    }

    /// A whole number (`3`) or a percentage text (`10%`, from 0 or 1 to 100).
    private static func size(_ node: SpecNode, allowZero: Bool) -> RolloutPolicy.Size? {
        switch node.scalar?.value {
        case .int(let n) where n >= (allowZero ? 0 : 1):
            return .count(n)
        case .string(let text) where text.hasSuffix("%"):
            guard let p = Double(text.dropLast().trimmingCharacters(in: .whitespaces)), p.isFinite,
                allowZero ? p >= 0 : p > 0, p <= 100
            else { return nil }
            return .percent(p)
        default:
            return nil
        }
    }
}
