extension SpecLoader {
    /// Decides a resource's `when:`. Returns the condition's text when it is false (the
    /// resource is left out), nil when it is true or cannot be decided (the problem is
    /// reported, and the resource is kept so that the rest of it is still checked).
    func disablingCondition(
        _ node: SpecNode, of address: String, scope: Scope, diagnostics: inout Diagnostics
    ) -> String? {
        let context = "`when` of resource \(address)"
        let condition: Condition
        switch node.scalar?.value {
        case .bool(let b):
            return b ? nil : "false"
        case .string(let text):
            do {
                condition = try Condition(parsing: text)
            } catch {
                diagnostics.error(
                    "\(context): \(error.message)",
                    detail: "A condition reads flag.NAME and var.NAME and combines them with !, &&, ||, == and != "
                        + "(e.g. `flag.cdn && var.region == \"sim-east-1\"`).",
                    address: address, at: node.location(ofTextOffset: error.offset))
                return nil
            }
        default:
            diagnostics.error(
                "\(context) must be a condition such as flag.cdn (found \(SpecDocument.shown(node)))",
                detail: "Write true, false or a condition over flags and variables.", address: address,
                at: node.location)
            return nil
        }
        var decidable = true
        for name in condition.flagNames where scope.flags[name] == nil {
            decidable = false
            guard !scope.declaredFlags.contains(name) else { continue }
            diagnostics.error(
                "\(context) reads flag.\(name), which the spec does not declare",
                detail: SpecSuggestions.didYouMean(name, in: scope.declaredFlags).replacingFirstName(prefix: "flag.")
                    + "Declare it under `flags:` (declared: \(SpecSuggestions.list(scope.declaredFlags))).",
                address: address, at: node.location)
        }
        for name in condition.variableNames where scope.variables[name] == nil {
            decidable = false
            guard !scope.declaredVariables.contains(name) else { continue }  // reported as having no value
            diagnostics.error(
                "\(context) reads var.\(name), which the spec does not declare",
                detail: SpecSuggestions.didYouMean(name, in: scope.declaredVariables).replacingFirstName(prefix: "var.")
                    + "Declare it under `variables:` (declared: \(SpecSuggestions.list(scope.declaredVariables))).",
                address: address, at: node.location)
        }
        guard decidable else { return nil }
        do {
            return try condition.evaluate(flags: scope.flags, variables: scope.variables) ? nil : condition.description
        } catch {
            diagnostics.error(
                "\(context): \(error)", detail: "Compare variables with == or != to get true or false.",
                address: address, at: node.location)
            return nil
        }
    }
}

extension String {
    /// Turns "Did you mean `x`? " into "Did you mean `flag.x`? ".
    fileprivate func replacingFirstName(prefix: String) -> String {
        guard let tick = firstIndex(of: "`") else { return self }
        var copy = self
        copy.insert(contentsOf: prefix, at: copy.index(after: tick))
        return copy
    }
}
