extension Planner {
    /// Why a flag made this change, when one did: the `when:` that includes a new resource,
    /// the flags behind a fleet's size, the flags read by the properties that change.
    static func cause(of change: Plan.Change, resource: Resource, stack: Stack) -> String? {
        switch change.action {
        case .create:
            if let condition = resource.condition, let flags = resource.flagsRead["when"], !flags.isEmpty {
                return "\(condition) is true" + valuesNote(flags, condition: condition, stack: stack)
            }
            if let fleet = resource.fleet, let flags = resource.flagsRead["count"], !flags.isEmpty {
                return "the size of fleet \(fleet) reads \(reading(flags, stack: stack))"
            }
            return nil
        case .update, .replace:
            var parts: [String] = []
            for key in Set(change.fields.map { topLevel($0.path) }).sorted() {
                guard let flags = resource.flagsRead[key], !flags.isEmpty else { continue }
                parts.append("\(key) reads \(reading(flags, stack: stack))")
            }
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        case .delete, .noop, .forget:
            return nil
        }
    }

    /// A `forget` for a record whose resource `when:` switched off with `on_disable: retain`;
    /// nil for any other record.
    static func forgetting(_ record: RecordedResource, stack: Stack) -> Plan.Change? {
        guard !record.address.hasSuffix(Step.deposedSuffix),
            let disabled = stack.disabledResource(covering: record.address), disabled.retain
        else { return nil }
        var change = Plan.Change(
            address: record.address, type: record.type, action: .forget, desired: nil, prior: record,
            dependencies: record.dependencies, retry: stack.defaults.retry, lifecycle: record.lifecycle)
        change.cause = disabled.cause
        return change
    }

    /// Why a recorded resource the spec no longer includes is deleted, when a flag or a
    /// fleet's size says so.
    static func deletionCause(of record: RecordedResource, stack: Stack) -> String? {
        if let disabled = stack.disabledResource(covering: record.address) { return disabled.cause }
        let name = ResourceAddress.name(of: record.address)
        guard name != record.address, !record.address.hasSuffix(Step.deposedSuffix) else { return nil }
        let members = stack.resources.filter { $0.fleet == name }
        guard !members.isEmpty || stack.resource(name) == nil else { return nil }
        let flags = members.first?.flagsRead["count"] ?? []
        return "fleet \(name) has \(members.count) member\(members.count == 1 ? "" : "s") now"
            + (flags.isEmpty ? "" : " (its size reads \(reading(flags, stack: stack)))")
    }

    /// `flag.big (true)`, or `flag.a (true) and flag.b (false)`.
    static func reading(_ flags: [String], stack: Stack) -> String {
        let shown = flags.map { name in "flag.\(name) (\(stack.flags[name].map { "\($0)" } ?? "unset"))" }
        if shown.count <= 2 { return shown.joined(separator: " and ") }
        return shown.dropLast().joined(separator: ", ") + " and " + shown.last!
    }

    /// The flags' values after a condition that is more than one flag: ` (flag.a = true)`.
    private static func valuesNote(_ flags: [String], condition: String, stack: Stack) -> String {
        if flags.count == 1, condition == "flag.\(flags[0])" || condition == "!flag.\(flags[0])" { return "" }
        return " (" + flags.map { "flag.\($0) = \(stack.flags[$0].map { "\($0)" } ?? "unset")" }.joined(separator: ", ")
            + ")"
    }

    /// The property a field path starts with: `tags` for `tags.owner` and `ports[0]`.
    private static func topLevel(_ path: String) -> String {
        String(path.prefix { $0 != "." && $0 != "[" })
    }
}
