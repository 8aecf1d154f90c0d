extension SpecDocument {
    /// The entries of a settings map by key, reporting keys not in `allowed` (with a "did you
    /// mean") and a node that is not a map. A null node reads as an empty map.
    static func fields(
        of node: SpecNode, allowed: [String], in context: String, diagnostics: inout Diagnostics
    ) -> [String: SpecNode.Entry] {
        if node.isNull { return [:] }
        guard let entries = node.entries else {
            diagnostics.error(
                "\(context) must be a map (found \(SpecSuggestions.withArticle(node.kindName)))",
                detail: "Write its settings as `key: value` lines; allowed keys: \(SpecSuggestions.list(allowed)).",
                at: node.location)
            return [:]
        }
        var fields: [String: SpecNode.Entry] = [:]
        for entry in entries {
            if allowed.contains(entry.key) {
                fields[entry.key] = entry
            } else {
                diagnostics.error(
                    "unknown key `\(entry.key)` \(context == "the top level" ? "at" : "in") \(context)",
                    detail: SpecSuggestions.didYouMean(entry.key, in: allowed)
                        + "Allowed keys: \(SpecSuggestions.list(allowed)).", at: entry.keyLocation)
            }
        }
        return fields
    }

    static func string(_ entry: SpecNode.Entry, in context: String, diagnostics: inout Diagnostics) -> String? {
        if let s = entry.value.string { return s }
        diagnostics.error(
            "\(entry.key) of \(context) must be text (found \(SpecSuggestions.withArticle(entry.value.kindName)))",
            detail: "Write it in quotes if it looks like a number or a boolean.", at: entry.value.location)
        return nil
    }

    static func bool(_ entry: SpecNode.Entry, in context: String, diagnostics: inout Diagnostics) -> Bool? {
        if case .bool(let b) = entry.value.scalar?.value { return b }
        diagnostics.error(
            "\(entry.key) of \(context) must be true or false (found \(shown(entry.value)))",
            detail: "Write true or false without quotes.", at: entry.value.location)
        return nil
    }

    static func duration(_ entry: SpecNode.Entry, in context: String, diagnostics: inout Diagnostics) -> Duration? {
        let value = entry.value.scalar?.value
        if case .int(0) = value { return .zero }
        if case .string(let s) = value, let d = Duration(parsing: s) { return d }
        diagnostics.error(
            "\(entry.key) of \(context) must be a duration (found \(shown(entry.value)))",
            detail: "Write a number with a unit: 200ms, 2s, 1m30s, 1h.", at: entry.value.location)
        return nil
    }

    /// A retry policy: `base` with the fields that `node` sets.
    static func retryPolicy(_ node: SpecNode, base: RetryPolicy, in context: String, diagnostics: inout Diagnostics)
        -> RetryPolicy
    {
        let fields = fields(of: node, allowed: retryKeys, in: context, diagnostics: &diagnostics)
        var policy = base
        if let entry = fields["max_attempts"] {
            if let n = entry.value.scalar?.value.intValue, n >= 1, case .int = entry.value.scalar?.value {
                policy.maxAttempts = n
            } else {
                diagnostics.error(
                    "max_attempts of \(context) must be a whole number of at least 1 (found \(shown(entry.value)))",
                    detail: "It counts every try, the first included: 1 means no retry.", at: entry.value.location)
            }
        }
        if let entry = fields["multiplier"] {
            switch entry.value.scalar?.value {
            case .int(let i) where i >= 1: policy.multiplier = Double(i)
            case .double(let d) where d >= 1 && d.isFinite: policy.multiplier = d
            default:
                diagnostics.error(
                    "multiplier of \(context) must be a number of at least 1 (found \(shown(entry.value)))",
                    detail: "Each retry waits the previous delay times this number (2 doubles it).",
                    at: entry.value.location)
            }
        }
        if let entry = fields["initial_delay"], let d = duration(entry, in: context, diagnostics: &diagnostics) {
            policy.initialDelay = d
        }
        if let entry = fields["max_delay"], let d = duration(entry, in: context, diagnostics: &diagnostics) {
            policy.maxDelay = d
        }
        if let entry = fields["max_elapsed"], let d = duration(entry, in: context, diagnostics: &diagnostics) {
            policy.maxElapsed = d
        }
        if let entry = fields["jitter"], let text = string(entry, in: context, diagnostics: &diagnostics) {
            if let jitter = RetryPolicy.Jitter(rawValue: text) {
                policy.jitter = jitter
            } else {
                diagnostics.error(
                    "jitter `\(text)` of \(context) is not a jitter mode",
                    detail: SpecSuggestions.didYouMean(text, in: ["none", "full", "equal"])
                        + "Use none, full (the default: a random delay up to the backoff) or equal (half fixed, "
                        + "half random).", at: entry.value.location)
            }
        }
        if policy.initialDelay > policy.maxDelay {
            diagnostics.error(
                "initial_delay of \(context) (\(SpecSuggestions.text(of: policy.initialDelay))) is longer than its "
                    + "max_delay (\(SpecSuggestions.text(of: policy.maxDelay)))",
                detail: "Lower initial_delay or raise max_delay.", at: node.location)
        }
        return policy
    }

    /// A value as a message shows it: `"text"`, `3`, `a list`.
    static func shown(_ node: SpecNode) -> String {
        switch node.content {
        case .scalar(let scalar):
            if case .string(let s) = scalar.value { return "\"\(s)\"" }
            if case .null = scalar.value { return "nothing" }
            return "\(scalar.value.kindName) \(scalar.value.interpolated)"
        case .list: return "a list"
        case .map: return "a map"
        }
    }
}
