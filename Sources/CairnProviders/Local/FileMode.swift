import Cairn
import Foundation

/// Permission bits written as an octal string (`"0755"`), the way specs declare them.
struct FileMode: Hashable, Sendable {
    /// The permission bits, including setuid, setgid and sticky (`0o7777` at most).
    var bits: mode_t

    init(bits: mode_t) {
        self.bits = bits & 0o7777
    }

    /// Parses three or four octal digits; nil for anything else.
    init?(_ text: String) {
        guard (3...4).contains(text.count), text.allSatisfy({ ("0"..."7").contains($0) }),
            let parsed = UInt32(text, radix: 8)
        else { return nil }
        self.init(bits: mode_t(parsed))
    }

    /// The mode as four octal digits, such as `"0644"`.
    var text: String {
        let digits = String(UInt32(bits), radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The mode as text in the declared spelling when both mean the same bits (so that
    /// `"755"` reads back as `"755"`, not as drift), otherwise as four digits.
    func text(matching declared: Value?) -> String {
        if let declared = declared?.stringValue, FileMode(declared) == self { return declared }
        return text
    }

    /// The `mode` property of a request: nil when not declared; throws when it is not a mode.
    static func declared(in properties: [String: Value]) throws(ProviderError) -> FileMode? {
        guard let value = properties["mode"], value != .null else { return nil }
        guard let text = value.stringValue, let mode = FileMode(text) else {
            throw ProviderError(
                .invalid, "mode must be an octal file mode in quotes, such as \"0644\"; found \(value.canonicalJSON)")
        }
        return mode
    }
}
