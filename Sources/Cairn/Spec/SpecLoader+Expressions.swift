import Foundation

extension SpecLoader {
    /// What ``resolveExtended(_:whole:at:context:scope:findings:diagnostics:)`` made of an
    /// expression.
    enum ExtendedResolution {
        /// A plain `var.x`, `flag.x` or `name.attribute`: resolved the usual way.
        case notExtended
        /// Decided now.
        case value(Value)
        /// Kept for the run (a resource reference, written back in canonical form), or not
        /// resolvable (reported).
        case keep
    }

    /// The expressions beyond plain names: a fleet member's `count.index`, `each.key`,
    /// `each.value` (and `each.value.field`); references to fleet members (`web[0].id`,
    /// `web['eu'].id`, `web[count.index].id`), rewritten in canonical form; `web[*].id`, a
    /// list of one reference per member (only as a whole value); and choices
    /// (`flag.big ? 'large' : 'small'`), decided now.
    func resolveExtended(
        _ expression: inout String, whole: Bool, at location: SourceLocation, context: String, scope: Scope,
        findings: inout TemplateFindings, diagnostics: inout Diagnostics
    ) -> ExtendedResolution {
        if expression == "count.index" || expression == "each.key" || expression == "each.value"
            || expression.hasPrefix("each.value.")
        {
            return memberValue(expression, at: location, context: context, scope: scope, diagnostics: &diagnostics)
        }
        if Self.isComplex(expression) {
            return choice(
                &expression, at: location, context: context, scope: scope, findings: &findings,
                diagnostics: &diagnostics)
        }
        guard expression.contains("["), let reference = Template.reference(Self.memberSubstituted(expression, scope))
        else { return .notExtended }
        if reference.resource.hasSuffix("[*]") {
            return splat(
                reference, whole: whole, at: location, context: context, scope: scope, findings: &findings,
                diagnostics: &diagnostics)
        }
        guard let address = ResourceAddress(parsing: reference.resource) else {
            diagnostics.error(
                "\(context): cannot read ${\(expression)}",
                detail: "A fleet member is written web[0] (count) or web[\"eu\"] (for_each); all members are "
                    + "web[*] (e.g. ${web[*].id}).", at: location)
            return .keep
        }
        let canonical = Template.Reference(resource: address.description, attribute: reference.attribute)
        expression = canonical.description
        findings.references.append((canonical, location))
        return .keep
    }

    /// `count.index`, `each.key`, `each.value`, `each.value.a.b` of the member being built.
    private func memberValue(
        _ expression: String, at location: SourceLocation, context: String, scope: Scope,
        diagnostics: inout Diagnostics
    ) -> ExtendedResolution {
        let counted = expression == "count.index"
        guard let member = scope.member, member.counted == counted else {
            diagnostics.error(
                "\(context): ${\(expression)} is only known in a resource with \(counted ? "count" : "for_each")",
                detail: counted
                    ? "Give the resource count: N; each member then reads its index (0 to N-1) as ${count.index}."
                    : "Give the resource for_each: [keys] or {key: value}; each member then reads ${each.key} and "
                        + "${each.value}.", at: location)
            return .keep
        }
        if counted { return .value(.int(member.position)) }
        if expression == "each.key" { return .value(.string(member.key)) }
        var value = member.value
        for field in expression.split(separator: ".").dropFirst(2) {
            guard let next = value.mapValue?[String(field)] else {
                diagnostics.error(
                    "\(context): ${\(expression)} reads `\(field)`, which the value of member \"\(member.key)\" "
                        + "does not have",
                    detail: "each.value.FIELD reads a field of a for_each map's value; give every value that field.",
                    at: location)
                return .keep
            }
            value = next
        }
        return .value(value)
    }

    /// `web[*].attribute`: one reference per member, as a list.
    private func splat(
        _ reference: Template.Reference, whole: Bool, at location: SourceLocation, context: String, scope: Scope,
        findings: inout TemplateFindings, diagnostics: inout Diagnostics
    ) -> ExtendedResolution {
        let name = String(reference.resource.dropLast(3))
        guard whole else {
            diagnostics.error(
                "\(context): ${\(reference)} is a list, and cannot be part of a longer text",
                detail: "Use it as the whole value (`ids: \"${\(reference)}\"`), or read one member, "
                    + "${\(name)[0].\(reference.attribute)}.", at: location)
            return .keep
        }
        guard let members = scope.fleets[name] else {
            if scope.declared[name] == nil || scope.disabled[name] != nil {
                // Reported by the reference checks, with the other references.
                findings.references.append(
                    (Template.Reference(resource: name, attribute: reference.attribute), location))
            } else {
                diagnostics.error(
                    "\(context): ${\(reference)} reads every member of \(name), but \(name) is not a fleet",
                    detail: "Write ${\(name).\(reference.attribute)}, or give \(name) count: or for_each:.",
                    at: location)
            }
            return .keep
        }
        var list: [Value] = []
        for member in members {
            let each = Template.Reference(resource: member.address.description, attribute: reference.attribute)
            findings.references.append((each, location))
            list.append(.string("${\(each)}"))
        }
        return .value(.list(list))
    }

    /// A choice or a condition, decided with this run's flags and variables. A chosen branch
    /// that is a resource attribute stays a reference.
    private func choice(
        _ expression: inout String, at location: SourceLocation, context: String, scope: Scope,
        findings: inout TemplateFindings, diagnostics: inout Diagnostics
    ) -> ExtendedResolution {
        let parsed: Condition
        do {
            parsed = try Condition(
                parsingExpression: Self.memberLiterals(Self.memberSubstituted(expression, scope), scope))
        } catch {
            diagnostics.error(
                "\(context): ${\(expression)}: \(error.message)",
                detail: "Inside ${...} a choice reads CONDITION ? VALUE : VALUE, e.g. ${flag.big ? 'large' : 'small'}; "
                    + "conditions read flag.NAME and var.NAME with !, &&, ||, == and !=.", at: location)
            return .keep
        }
        var decidable = true
        for name in parsed.flagNames where scope.flags[name] == nil {
            decidable = false
            if !scope.declaredFlags.contains(name) {
                diagnostics.error(
                    "\(context): ${\(expression)} reads flag.\(name), which the spec does not declare",
                    detail: SpecSuggestions.didYouMean(name, in: scope.declaredFlags)
                        + "Declared flags: \(SpecSuggestions.list(scope.declaredFlags)).", at: location)
            }
        }
        for name in parsed.variableNames where scope.variables[name] == nil {
            decidable = false
            if !scope.declaredVariables.contains(name) {
                diagnostics.error(
                    "\(context): ${\(expression)} reads var.\(name), which the spec does not declare",
                    detail: SpecSuggestions.didYouMean(name, in: scope.declaredVariables)
                        + "Declared variables: \(SpecSuggestions.list(scope.declaredVariables)).", at: location)
            }
        }
        guard decidable else { return .keep }
        do {
            let chosen = try parsed.selected(flags: scope.flags, variables: scope.variables)
            if chosen.variableNames.contains(where: scope.sensitiveVariables.contains) { findings.sensitive = true }
            if case .attribute(let reference) = chosen {
                let address = ResourceAddress(parsing: reference.resource)?.description ?? reference.resource
                let canonical = Template.Reference(resource: address, attribute: reference.attribute)
                expression = canonical.description
                findings.references.append((canonical, location))
                return .keep
            }
            return .value(try chosen.result(flags: scope.flags, variables: scope.variables))
        } catch {
            diagnostics.error(
                "\(context): ${\(expression)}: \(error)",
                detail: "A choice's condition must be true or false; compare values with == or != first.",
                at: location)
            return .keep
        }
    }

    /// Whether an expression is more than a name path: it has operators, spaces, quotes or
    /// parentheses outside a fleet member's brackets.
    static func isComplex(_ expression: String) -> Bool {
        var depth = 0
        for c in expression {
            switch c {
            case "[": depth += 1
            case "]": depth -= 1
            case "?", ":", "!", "=", "&", "|", "(", ")", " ", "\"", "'":
                if depth == 0 { return true }
            default: break
            }
        }
        return false
    }

    /// A choice's text with `count.index`, `each.key` and `each.value` (when it is text, a
    /// whole number or a boolean) written as the member's literal values, so that a condition
    /// can compare them (`count.index == 0 ? 'large' : 'small'`).
    static func memberLiterals(_ expression: String, _ scope: Scope) -> String {
        guard let member = scope.member else { return expression }
        var literals: [String: String] = [:]
        if member.counted {
            literals["count.index"] = String(member.position)
        } else {
            literals["each.key"] = "'\(member.key)'"
            switch member.value {
            case .string(let s):
                let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                literals["each.value"] = "'\(escaped)'"
            case .int(let i): literals["each.value"] = String(i)
            case .bool(let b): literals["each.value"] = b ? "true" : "false"
            default: break
            }
        }
        var out = ""
        var quote: Character?
        var i = expression.startIndex
        while i < expression.endIndex {
            let c = expression[i]
            if let q = quote {
                out.append(c)
                if c == "\\", expression.index(after: i) < expression.endIndex {
                    i = expression.index(after: i)
                    out.append(expression[i])
                } else if c == q {
                    quote = nil
                }
                i = expression.index(after: i)
                continue
            }
            if c == "'" || c == "\"" { quote = c }
            let before = out.last
            let boundary = before.map { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") } ?? true
            if boundary, let (name, literal) = literals.first(where: { expression[i...].hasPrefix($0.key) }) {
                let end = expression.index(i, offsetBy: name.count)
                let next = end < expression.endIndex ? expression[end] : " "
                if !(next.isLetter || next.isNumber || next == "_" || next == ".") {
                    out += literal
                    i = end
                    continue
                }
            }
            out.append(c)
            i = expression.index(after: i)
        }
        return out
    }

    /// The expression with `[count.index]` and `[each.key]` replaced by the member's own.
    static func memberSubstituted(_ expression: String, _ scope: Scope) -> String {
        guard let member = scope.member, expression.contains("[") else { return expression }
        let index = member.counted ? "[\(member.position)]" : "[count.index]"
        let key = member.counted ? "[each.key]" : "[\"\(member.key)\"]"
        return expression.replacingOccurrences(of: "[count.index]", with: index)
            .replacingOccurrences(of: "[each.key]", with: key)
    }
}
