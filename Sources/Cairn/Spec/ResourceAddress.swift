/// A resource's address: a name (`web`) and, for a member of a fleet, its index (`web[3]`, from
/// `count:`) or its key (`web["eu"]`, from `for_each:`).
///
/// State, journal, tags and idempotency keys use the full address as written by
/// ``description``, so every member of a fleet is a resource of its own.
public struct ResourceAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Which member of a fleet an address names.
    public enum Member: Sendable, Hashable {
        /// The member at this index of a `count:` fleet (from 0).
        case index(Int)
        /// The member with this key of a `for_each:` fleet.
        case key(String)
    }

    /// The name declared under `resources:`.
    public var name: String
    /// The member of the fleet, or nil for a resource that is not a fleet member.
    public var member: Member?

    /// An address; `member` names one member of fleet `name`.
    public init(name: String, member: Member? = nil) {
        self.name = name
        self.member = member
    }

    /// Reads `web`, `web[3]`, `web["eu"]` or `web['eu']` (with a valid name, a whole number or
    /// a valid key); nil for anything else, `web[*]` included.
    public init?(parsing text: String) {
        guard let open = text.firstIndex(of: "[") else {
            guard SpecDocument.isAddress(text) else { return nil }
            self.init(name: text)
            return
        }
        let name = String(text[..<open])
        guard SpecDocument.isAddress(name), text.hasSuffix("]") else { return nil }
        let inner = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        if let index = Int(inner), index >= 0, String(index) == inner {
            self.init(name: name, member: .index(index))
            return
        }
        guard inner.count >= 2, let quote = inner.first, quote == "\"" || quote == "'", inner.last == quote else {
            return nil
        }
        let key = String(inner.dropFirst().dropLast())
        guard Self.isKey(key) else { return nil }
        self.init(name: name, member: .key(key))
    }

    /// `web`, `web[3]` or `web["eu"]`.
    public var description: String {
        switch member {
        case nil: name
        case .index(let i)?: "\(name)[\(i)]"
        case .key(let k)?: "\(name)[\"\(k)\"]"
        }
    }

    /// Whether `key` may key a `for_each:` member: 1 to 63 letters, digits, `_` and `-`.
    /// Keys become part of addresses, tags and file names, so nothing else is allowed.
    public static func isKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 63
            && key.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
            }
    }

    /// The fleet name of an address written in full (`web` for `web[3]` and for the old half
    /// of its replacement, `web[3]#deposed`); the text itself when it does not parse.
    public static func name(of address: String) -> String {
        let plain = address.hasSuffix(Step.deposedSuffix) ? String(address.dropLast(Step.deposedSuffix.count)) : address
        return ResourceAddress(parsing: plain)?.name ?? address
    }

    /// Names first, then members: indices in numeric order before keys in text order.
    public static func < (a: ResourceAddress, b: ResourceAddress) -> Bool {
        if a.name != b.name { return a.name < b.name }
        switch (a.member, b.member) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (.index(let x)?, .index(let y)?): return x < y
        case (.index?, .key?): return true
        case (.key?, .index?): return false
        case (.key(let x)?, .key(let y)?): return x < y
        }
    }
}
