/// References inside property values: `${name.attribute}` alone gives the referenced value
/// with its own type; inside a longer string it is interpolated as text.
public enum Template {
    /// A reference to an attribute of another resource.
    public struct Reference: Sendable, Hashable, CustomStringConvertible {
        public var resource: String
        public var attribute: String
        public var description: String { "\(resource).\(attribute)" }
    }

    /// A piece of a string: literal text or one `${...}` expression.
    public enum Part: Sendable, Hashable {
        case text(String)
        case expression(String)
    }

    /// Splits a string into literal text and `${...}` expressions. `$${` escapes a literal `${`.
    /// Returns nil when a `${` is never closed.
    public static func parts(of string: String) -> [Part]? {
        guard string.contains("${") else { return [.text(string)] }
        var parts: [Part] = []
        var text = ""
        var i = string.startIndex
        while i < string.endIndex {
            if string[i...].hasPrefix("$${") {
                text += "${"
                i = string.index(i, offsetBy: 3)
            } else if string[i...].hasPrefix("${") {
                let start = string.index(i, offsetBy: 2)
                guard let close = string[start...].firstIndex(of: "}") else { return nil }
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                parts.append(.expression(String(string[start..<close]).trimmingCharacters(in: .whitespaces)))
                i = string.index(after: close)
            } else {
                text.append(string[i])
                i = string.index(after: i)
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }

    /// Every resource reference in a value (expressions of the form `name.attribute` whose
    /// first part is not `var` or `flag`).
    public static func references(in value: Value) -> [Reference] {
        var out: [Reference] = []
        collect(value, into: &out)
        return out
    }

    private static func collect(_ value: Value, into out: inout [Reference]) {
        switch value {
        case .string(let s):
            for case .expression(let e) in parts(of: s) ?? [] {
                if let r = reference(e) { out.append(r) }
            }
        case .list(let l): for e in l { collect(e, into: &out) }
        case .map(let m): for key in m.keys.sorted() { collect(m[key]!, into: &out) }
        default: break
        }
    }

    /// Parses `name.attribute` (or `name[3].attribute`, `name["key"].attribute` for a fleet
    /// member) into a resource reference; nil for `var.x`, `flag.x`, `count.index`, `each.key`,
    /// `each.value` and anything that is not of that shape.
    public static func reference(_ expression: String) -> Reference? {
        let pieces = expression.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty,
            !["var", "flag", "count", "each"].contains(pieces[0]), !pieces[0].contains(" ")
        else { return nil }
        return Reference(resource: String(pieces[0]), attribute: String(pieces[1]))
    }

    /// Resolves every reference in `value` through `lookup`. Returns nil when some referenced
    /// attribute is not known yet (it will be known after apply).
    public static func resolve(_ value: Value, lookup: (Reference) -> Value?) -> Value? {
        switch value {
        case .string(let s):
            guard let parts = parts(of: s) else { return value }
            if parts.count == 1, case .expression(let e) = parts[0], let r = reference(e) {
                return lookup(r)
            }
            var out = ""
            for part in parts {
                switch part {
                case .text(let t): out += t
                case .expression(let e):
                    guard let r = reference(e) else { out += "${\(e)}"; continue }
                    guard let v = lookup(r) else { return nil }
                    out += v.interpolated
                }
            }
            return .string(out)
        case .list(let l):
            var out: [Value] = []
            out.reserveCapacity(l.count)
            for e in l {
                guard let r = resolve(e, lookup: lookup) else { return nil }
                out.append(r)
            }
            return .list(out)
        case .map(let m):
            var out: [String: Value] = [:]
            for (k, e) in m {
                guard let r = resolve(e, lookup: lookup) else { return nil }
                out[k] = r
            }
            return .map(out)
        default:
            return value
        }
    }
}
