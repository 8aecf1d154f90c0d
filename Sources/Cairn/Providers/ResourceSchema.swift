import Foundation

/// What a resource type accepts and returns; checked at validate time.
public struct ResourceSchema: Sendable {
    public var type: String
    public var properties: [PropertySchema]
    public var outputs: [String]
    /// Outputs never shown in logs, reports or traces (a generated password, a token).
    public var sensitiveOutputs: Set<String> = []
    /// How many calls to this type may run at once within a run (nil: no limit of its own).
    public var concurrencyLimit: Int?

    public init(type: String, properties: [PropertySchema], outputs: [String], concurrencyLimit: Int? = nil) {
        self.type = type
        self.properties = properties
        self.outputs = outputs
        self.concurrencyLimit = concurrencyLimit
    }

    public func property(_ name: String) -> PropertySchema? {
        properties.first { $0.name == name }
    }
}

/// One property of a resource type.
public struct PropertySchema: Sendable {
    /// The value kinds a property may hold.
    public enum Kind: String, Sendable {
        case string, integer, boolean, list, map, any
    }

    /// Formats checked at validate time, beyond the kind.
    public enum Format: Sendable {
        case cidr
        case fileMode
        case name
        case absoluteOrRelativePath
        case positive
        case port
        case oneOf([String])

        /// A sentence saying what is wrong with `value`, or nil when it fits.
        public func problem(with value: Value) -> String? {
            switch self {
            case .cidr:
                guard let s = value.stringValue, Format.isCIDR(s) else {
                    return "expected an IPv4 CIDR block such as 10.0.0.0/16"
                }
                return nil
            case .fileMode:
                guard let s = value.stringValue, (3...4).contains(s.count), s.allSatisfy({ ("0"..."7").contains($0) })
                else { return "expected an octal file mode in quotes, such as \"0644\"" }
                return nil
            case .name:
                guard let s = value.stringValue, !s.isEmpty, s.count <= 63,
                    s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
                else { return "expected a name of 1 to 63 letters, digits, '-', '_' or '.'" }
                return nil
            case .absoluteOrRelativePath:
                guard let s = value.stringValue, !s.isEmpty, !s.contains("\0") else {
                    return "expected a non-empty path"
                }
                return nil
            case .positive:
                guard let i = value.intValue, i > 0 else { return "expected a positive integer" }
                return nil
            case .port:
                guard let i = value.intValue, (1...65535).contains(i) else { return "expected a port from 1 to 65535" }
                return nil
            case .oneOf(let options):
                guard let s = value.stringValue, options.contains(s) else {
                    return "expected one of " + options.joined(separator: ", ")
                }
                return nil
            }
        }

        static func isCIDR(_ s: String) -> Bool {
            let parts = s.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits) else { return false }
            let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets.allSatisfy { o in
                guard let n = Int(o), (0...255).contains(n), o.count <= 3 else { return false }
                return true
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var required: Bool
    /// Changing this field replaces the resource rather than updating it in place.
    public var replaceOnChange: Bool
    /// The value may only grow; a smaller value replaces the resource.
    public var growOnly: Bool
    /// Never shown in logs, plans or reports.
    public var sensitive: Bool
    public var format: Format?
    /// The server may change this property on its own (a status, a generated value): a
    /// difference from the declaration is shown as drift, but marked ignored.
    public var serverManaged: Bool
    /// How values are compared for drift, beyond plain equality (see ``Normalization``).
    public var normalizations: [Normalization]

    /// Ways in which two values of a property count as equal although they are not identical,
    /// so that drift reports leave the server's harmless rewrites out.
    public enum Normalization: Sendable, Hashable {
        /// The list's order carries no meaning: `[a, b]` equals `[b, a]` (a multiset comparison).
        case unorderedList
        /// The server fills this value in when none is given: absent equals this value.
        case defaultValue(Value)
    }

    public init(
        _ name: String, _ kind: Kind, required: Bool = false, replaceOnChange: Bool = false,
        growOnly: Bool = false, sensitive: Bool = false, format: Format? = nil, serverManaged: Bool = false,
        normalizations: [Normalization] = []
    ) {
        self.name = name
        self.kind = kind
        self.required = required
        self.replaceOnChange = replaceOnChange
        self.growOnly = growOnly
        self.sensitive = sensitive
        self.format = format
        self.serverManaged = serverManaged
        self.normalizations = normalizations
    }

    private static func article(_ word: String) -> String {
        "aeiou".contains(word.first ?? "x") ? "an" : "a"
    }

    /// A sentence saying why `value` does not fit this property, or nil when it does.
    public func problem(with value: Value) -> String? {
        let kindOK: Bool =
            switch (kind, value) {
            case (.any, _): true
            case (.string, .string): true
            case (.integer, .int): true
            case (.integer, .double(let d)): d.rounded() == d
            case (.boolean, .bool): true
            case (.list, .list): true
            case (.map, .map): true
            default: false
            }
        if !kindOK { return "expected \(Self.article(kind.rawValue)) \(kind.rawValue), found \(Self.article(value.kindName)) \(value.kindName)" }
        return format?.problem(with: value)
    }
}
