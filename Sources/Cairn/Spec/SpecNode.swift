/// A spec document as a tree that remembers where each piece was written: what the loader
/// reads instead of raw YAML nodes, so that every problem it finds can name a line and column.
///
/// Maps keep their entries in the written order; keys are always text (the conversion from
/// YAML refuses anything else).
struct SpecNode: Sendable {
    /// What a node holds.
    enum Content: Sendable {
        case scalar(Scalar)
        case list([SpecNode])
        case map([Entry])
    }

    /// A leaf: its typed value and how it was written.
    struct Scalar: Sendable {
        var value: Value
        /// The characters as written (after YAML unescaping).
        var text: String
        /// How many columns precede the text at the node's location (1 for a quoted
        /// single-line scalar, 0 for a plain one), or nil when columns inside the text cannot
        /// be mapped back to the file (block scalars, text spanning lines, escapes).
        var textOffset: Int?
    }

    /// One key and its value in a map.
    struct Entry: Sendable {
        var key: String
        var keyLocation: SourceLocation
        var value: SpecNode
    }

    var content: Content
    var location: SourceLocation

    /// The value this node holds, with every map and list converted.
    var value: Value {
        switch content {
        case .scalar(let scalar): return scalar.value
        case .list(let nodes): return .list(nodes.map(\.value))
        case .map(let entries):
            var map: [String: Value] = [:]
            for entry in entries { map[entry.key] = entry.value.value }
            return .map(map)
        }
    }

    /// The entries, when this node is a map.
    var entries: [Entry]? {
        if case .map(let entries) = content { return entries }
        return nil
    }

    /// The elements, when this node is a list.
    var elements: [SpecNode]? {
        if case .list(let nodes) = content { return nodes }
        return nil
    }

    /// The scalar, when this node is one.
    var scalar: Scalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The text of a string scalar.
    var string: String? {
        if case .scalar(let scalar) = content, case .string(let s) = scalar.value { return s }
        return nil
    }

    /// Whether this node is YAML's null (`~`, `null` or nothing at all).
    var isNull: Bool {
        if case .scalar(let scalar) = content, case .null = scalar.value { return true }
        return false
    }

    /// A short name of the node's kind, for messages.
    var kindName: String {
        switch content {
        case .scalar(let scalar): scalar.value.kindName
        case .list: "list"
        case .map: "map"
        }
    }

    /// The node's kind with its article, for messages: "a list", "an integer".
    var kindWithArticle: String { SpecSuggestions.withArticle(kindName) }

    /// The location of the character `offset` scalars into this scalar's text, when it can
    /// be known; the node's own location otherwise.
    func location(ofTextOffset offset: Int) -> SourceLocation {
        guard let scalar, let textOffset = scalar.textOffset else { return location }
        var at = location
        at.column += textOffset + offset
        return at
    }
}
