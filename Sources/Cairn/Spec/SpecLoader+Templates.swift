import Foundation

extension SpecLoader {
    /// What substituting one property found along the way.
    struct TemplateFindings {
        /// References to other resources' attributes, with where each is written.
        var references: [(reference: Template.Reference, location: SourceLocation)] = []
        /// Whether a sensitive variable's value went into the property.
        var sensitive = false
    }

    /// The value of a property node with `${var.x}` and `${flag.x}` replaced by their values
    /// (a whole-string `${var.x}` keeps the variable's kind; inside text it is interpolated)
    /// and `${resource.attribute}` references kept as they are. Expressions that are none of
    /// these, unknown variables and flags, and unclosed `${` are reported.
    func substitute(
        _ node: SpecNode, context: String, scope: Scope, findings: inout TemplateFindings,
        diagnostics: inout Diagnostics
    ) -> Value {
        switch node.content {
        case .list(let elements):
            return .list(
                elements.map {
                    substitute($0, context: context, scope: scope, findings: &findings, diagnostics: &diagnostics)
                })
        case .map(let entries):
            var map: [String: Value] = [:]
            for entry in entries {
                map[entry.key] = substitute(
                    entry.value, context: context, scope: scope, findings: &findings, diagnostics: &diagnostics)
            }
            return .map(map)
        case .scalar(let scalar):
            guard case .string(let text) = scalar.value, text.contains("${") else { return scalar.value }
            return substitute(
                text, in: node, context: context, scope: scope, findings: &findings, diagnostics: &diagnostics)
        }
    }

    private func substitute(
        _ text: String, in node: SpecNode, context: String, scope: Scope, findings: inout TemplateFindings,
        diagnostics: inout Diagnostics
    ) -> Value {
        guard var parts = Template.parts(of: text) else {
            diagnostics.error(
                "\(context): `${` is never closed",
                detail: "Close the expression with `}`, or write `$${` for a literal `${`.",
                at: node.location(ofTextOffset: Self.offset(of: "${", in: text)))
            return .string(text)
        }
        var pieces: [Value?] = []  // nil: keep the part as written (or as rewritten)
        var rewritten = false
        for (n, part) in parts.enumerated() {
            guard case .expression(let written) = part else {
                pieces.append(nil)
                continue
            }
            var expression = written
            let at = node.location(ofTextOffset: max(0, Self.offset(of: written, in: text) - 2))
            pieces.append(
                resolve(
                    &expression, whole: parts.count == 1, at: at, context: context, scope: scope,
                    findings: &findings, diagnostics: &diagnostics))
            if expression != written {
                parts[n] = .expression(expression)
                rewritten = true
            }
        }
        guard pieces.contains(where: { $0 != nil }) || rewritten else { return .string(text) }
        if parts.count == 1, let value = pieces[0] {
            if case .string(let s) = value { return .string(Self.escaped(s)) }
            return value
        }
        var out = ""
        for (part, piece) in zip(parts, pieces) {
            switch (part, piece) {
            case (_, .some(let value)): out += Self.escaped(value.interpolated)
            case (.text(let t), nil): out += Self.escaped(t)
            case (.expression(let e), nil): out += "${\(e)}"
            }
        }
        return .string(out)
    }

    /// The value of `${var.x}` or `${flag.x}` (or of a fleet member's `${count.index}`,
    /// `${each.key}`, `${each.value}`, a choice, a `${web[*].id}` list: see
    /// ``resolveExtended(_:whole:at:context:scope:findings:diagnostics:)``); nil for a resource
    /// reference (recorded in `findings`, and written back in canonical form into `expression`)
    /// and for anything that cannot be resolved (reported).
    private func resolve(
        _ expression: inout String, whole: Bool, at location: SourceLocation, context: String, scope: Scope,
        findings: inout TemplateFindings, diagnostics: inout Diagnostics
    ) -> Value? {
        switch resolveExtended(
            &expression, whole: whole, at: location, context: context, scope: scope, findings: &findings,
            diagnostics: &diagnostics)
        {
        case .value(let value): return value
        case .keep: return nil
        case .notExtended: break
        }
        if expression.hasPrefix("var.") {
            let name = String(expression.dropFirst(4))
            if let value = scope.variables[name] {
                if scope.sensitiveVariables.contains(name) { findings.sensitive = true }
                return value
            }
            if !scope.declaredVariables.contains(name) {
                diagnostics.error(
                    "\(context): ${\(expression)} reads a variable the spec does not declare",
                    detail: SpecSuggestions.didYouMean(name, in: scope.declaredVariables)
                        + "Declared variables: \(SpecSuggestions.list(scope.declaredVariables)).", at: location)
            }
            return nil
        }
        if expression.hasPrefix("flag.") {
            let name = String(expression.dropFirst(5))
            if let value = scope.flags[name] { return .bool(value) }
            if !scope.declaredFlags.contains(name) {
                diagnostics.error(
                    "\(context): ${\(expression)} reads a flag the spec does not declare",
                    detail: SpecSuggestions.didYouMean(name, in: scope.declaredFlags)
                        + "Declared flags: \(SpecSuggestions.list(scope.declaredFlags)).", at: location)
            }
            return nil
        }
        if let reference = Template.reference(expression) {
            findings.references.append((reference, location))
            return nil
        }
        diagnostics.error(
            "\(context): cannot read ${\(expression)}",
            detail: "Inside ${...} write var.NAME, flag.NAME, RESOURCE.ATTRIBUTE (e.g. ${net.id}) or a choice "
                + "(e.g. ${flag.big ? 'large' : 'small'}); write $${ for a literal ${.", at: location)
        return nil
    }

    /// Text as a template shows it literally: `${` becomes `$${`.
    static func escaped(_ text: String) -> String {
        text.contains("${") ? text.replacingOccurrences(of: "${", with: "$${") : text
    }

    /// The offset in Unicode scalars of the first `needle` in `text` (0 when absent).
    static func offset(of needle: String, in text: String) -> Int {
        guard !needle.isEmpty, let range = text.range(of: needle) else { return 0 }
        return text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.lowerBound)
    }
}
