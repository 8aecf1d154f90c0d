import Yams

extension SpecNode {
    /// How far a composed document reaches once its aliases are expanded.
    enum Expansion: Equatable {
        case fits
        case tooManyNodes
        case tooDeep
    }

    /// Walks `root` as if every alias were copied in place, and stops as soon as it has seen
    /// more than `maxNodes` nodes or gone deeper than `maxDepth` nested lists and maps, so that a document
    /// built to expand exponentially (the "billion laughs") costs at most `maxNodes` steps.
    static func expansion(of root: Yams.Node, maxNodes: Int, maxDepth: Int) -> Expansion {
        var pending: [(node: Yams.Node, depth: Int)] = [(root, 1)]
        var seen = 0
        while let (node, depth) = pending.popLast() {
            seen += 1
            if seen > maxNodes { return .tooManyNodes }
            switch node {
            case .scalar, .alias:
                continue
            case .sequence(let sequence):
                if depth > maxDepth { return .tooDeep }
                for child in sequence { pending.append((child, depth + 1)) }
            case .mapping(let mapping):
                if depth > maxDepth { return .tooDeep }
                for (key, value) in mapping {
                    pending.append((key, depth + 1))
                    pending.append((value, depth + 1))
                }
            }
        }
        return .fits
    }

    /// Converts a composed YAML node, resolving plain scalars with the YAML 1.2 core schema
    /// (`true`/`false`, integers, floats, `null`; everything else is text, so `no` and `on`
    /// stay strings). Keys that are not text, and tags other than the core ones, are reported.
    /// Call ``expansion(of:maxNodes:maxDepth:)`` first: this copies aliases in place.
    init(yaml node: Yams.Node, file: String, diagnostics: inout Diagnostics) {
        let location = Self.location(of: node.mark, file: file)
        switch node {
        case .scalar(let scalar):
            self.init(
                content: .scalar(Self.scalar(scalar, at: location, diagnostics: &diagnostics)), location: location)
        case .sequence(let sequence):
            let tag = sequence.tag.rawValue
            if tag != "", tag != "!", tag != Tag.Name.seq.rawValue {
                diagnostics.error(
                    "unsupported tag \(tag) on a list", detail: "Remove the tag: specs use plain lists.", at: location)
            }
            let nodes = sequence.map { SpecNode(yaml: $0, file: file, diagnostics: &diagnostics) }
            self.init(content: .list(nodes), location: location)
        case .mapping(let mapping):
            let tag = mapping.tag.rawValue
            if tag != "", tag != "!", tag != Tag.Name.map.rawValue {
                diagnostics.error(
                    "unsupported tag \(tag) on a map", detail: "Remove the tag: specs use plain maps.", at: location)
            }
            var entries: [Entry] = []
            for (key, value) in mapping {
                let keyLocation = Self.location(of: key.mark, file: file)
                guard let text = Self.keyText(key, at: keyLocation, diagnostics: &diagnostics) else { continue }
                entries.append(
                    Entry(
                        key: text, keyLocation: keyLocation,
                        value: SpecNode(yaml: value, file: file, diagnostics: &diagnostics)))
            }
            self.init(content: .map(entries), location: location)
        case .alias:
            diagnostics.error("unexpected alias", detail: "Write the value out in full.", at: location)
            self.init(content: .scalar(Scalar(value: .null, text: "", textOffset: nil)), location: location)
        }
    }

    static func location(of mark: Mark?, file: String) -> SourceLocation {
        guard let mark else { return SourceLocation(file: file) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// The text of a key, or nil (with a diagnostic) when the key is not text.
    private static func keyText(_ key: Yams.Node, at location: SourceLocation, diagnostics: inout Diagnostics)
        -> String?
    {
        guard case .scalar(let scalar) = key else {
            diagnostics.error(
                "a \(key.isSequence ? "list" : "map") is used as a key",
                detail: "Keys must be plain text, such as a name.", at: location)
            return nil
        }
        let tag = scalar.tag.rawValue
        if scalar.style != .plain || tag == "!" { return scalar.string }
        if tag != "", tag != Tag.Name.str.rawValue {
            diagnostics.error(
                "unsupported tag \(tag) on a key", detail: "Keys must be plain text; remove the tag.", at: location)
            return nil
        }
        // Yams may already have resolved a plain key's tag to `str` while looking for duplicate
        // keys, so decide by the text itself.
        let value = resolvePlain(scalar.string)
        if case .string = value { return scalar.string }
        let shown =
            scalar.string.isEmpty
            ? "an empty key" : "the key \(scalar.string) is \(SpecSuggestions.withArticle(value.kindName))"
        diagnostics.error(
            "\(shown), not text",
            detail: "Keys must be text; write it in quotes (\"\(scalar.string)\") if you mean the text.", at: location)
        return nil
    }

    private static func scalar(_ scalar: Yams.Node.Scalar, at location: SourceLocation, diagnostics: inout Diagnostics)
        -> Scalar
    {
        let text = scalar.string
        let singleLine = !text.contains("\n")
        let offset: Int? =
            switch scalar.style {
            case .plain: singleLine ? 0 : nil
            case .singleQuoted, .doubleQuoted: singleLine ? 1 : nil
            default: nil
            }
        let tag = scalar.tag.rawValue
        let value: Value
        switch tag {
        case "":
            value = scalar.style == .plain ? resolvePlain(text) : .string(text)
        case "!", Tag.Name.str.rawValue:
            value = .string(text)
        case Tag.Name.int.rawValue, Tag.Name.float.rawValue, Tag.Name.bool.rawValue, Tag.Name.null.rawValue:
            let resolved = resolvePlain(text)
            let wanted = tagKind(tag)
            if resolved.kindName == wanted || (wanted == "number" && resolved.kindName == "integer") {
                value = wanted == "number" ? .double(Double(resolved.interpolated) ?? 0) : resolved
            } else {
                diagnostics.error(
                    "\(text) is not a valid \(wanted) for the tag \(tag)",
                    detail: "Remove the tag or write a \(wanted).", at: location)
                value = .string(text)
            }
        default:
            diagnostics.error(
                "unsupported tag \(tag)",
                detail: "Specs use plain YAML values: remove the tag (quote the value to make it text).", at: location)
            value = .string(text)
        }
        return Scalar(value: value, text: text, textOffset: offset)
    }

    private static func tagKind(_ tag: String) -> String {
        switch tag {
        case Tag.Name.int.rawValue: "integer"
        case Tag.Name.float.rawValue: "number"
        case Tag.Name.bool.rawValue: "boolean"
        default: "null"
        }
    }

    /// Resolves an unquoted scalar by the YAML 1.2 core schema.
    static func resolvePlain(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", "+.inf", ".Inf", "+.Inf", ".INF", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let digits = String(decoding: bytes[2...], as: UTF8.self)
            if bytes[1] == UInt8(ascii: "o"), let i = Int(digits, radix: 8) { return .int(i) }
            if bytes[1] == UInt8(ascii: "x"), let i = Int(digits, radix: 16) { return .int(i) }
        }
        guard isNumber(bytes) else { return .string(text) }
        if let i = Int(text) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        return .string(text)
    }

    /// `[-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
    private static func isNumber(_ bytes: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        let whole = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 && whole == 0 { return false }
        } else if whole == 0 {
            return false
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == bytes.count
    }
}

extension Yams.Node {
    fileprivate var isSequence: Bool {
        if case .sequence = self { return true }
        return false
    }
}
