extension SpecGuard {
    /// One pass over the bytes of a document, line by line, tracking just enough of YAML's
    /// lexical structure (quotes, comments, block scalars, flow brackets, indentation) to
    /// measure nesting and count anchors and aliases.
    struct Scan {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: SpecLoader.Limits
        private(set) var problem: Problem?

        private var index = 0
        /// Columns of the enclosing block collections, innermost last.
        private var indents: [Int] = []
        private var flowDepth = 0
        private var aliases = 0
        private var anchors = 0
        /// Where the first alias (anchor) over the limit is: the scan goes on, to count them all.
        private var firstExcessAlias: Int?
        private var firstExcessAnchor: Int?
        private var quote: UInt8?
        /// While inside a block scalar (`|` or `>`): lines indented more than this are its text.
        private var blockScalarParent: Int?
        private var sawContent = false
        private var documentEnded = false
        /// Whether a node may start at the current position (so that a quote opens a string).
        private var nodeCanStart = true

        init(bytes: UnsafeBufferPointer<UInt8>, limits: SpecLoader.Limits) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func run() {
            while index < bytes.count, problem == nil {
                var end = index
                while end < bytes.count, bytes[end] != .newline { end += 1 }
                scanLine(from: index, to: end)
                index = end + 1
            }
            if let offset = firstExcessAlias {
                fail(
                    "document uses \(aliases) aliases; at most \(limits.maxAliases) are allowed "
                        + "(YAML alias expansion can blow up memory)",
                    "Write the repeated values out, or use fewer aliases (*name).", at: offset)
            }
            if let offset = firstExcessAnchor {
                fail(
                    "document defines \(anchors) anchors; at most \(limits.maxAliases) are allowed",
                    "Write the values out instead of marking them with anchors (&name).", at: offset)
            }
        }

        private mutating func scanLine(from start: Int, to end: Int) {
            if quote != nil {
                scanTokens(from: start, to: end, contentColumn: 0, lastDash: nil)
                return
            }
            var content = start
            while content < end, bytes[content] == .space { content += 1 }
            let indent = content - start
            let isBlank = content == end || bytes[content] == .carriageReturn || bytes[content] == .hash
            if indent == 0, flowDepth == 0, isMarker(at: start, to: end, UInt8(ascii: "-")) {
                blockScalarParent = nil
                if sawContent || documentEnded {
                    fail(
                        "the file holds more than one YAML document (a second one starts here)",
                        "A spec is one document: remove the second `---` or move the rest into its own file.", at: start
                    )
                    return
                }
                indents = []
                nodeCanStart = true
                scanTokens(from: start + 3, to: end, contentColumn: 4, lastDash: nil)
                return
            }
            if indent == 0, flowDepth == 0, isMarker(at: start, to: end, UInt8(ascii: ".")) {
                blockScalarParent = nil
                documentEnded = true
                return
            }
            if let parent = blockScalarParent {
                if isBlank || indent > parent { return }
                blockScalarParent = nil
            }
            if isBlank { return }
            if indent == 0, bytes[start] == UInt8(ascii: "%"), !sawContent { return }  // a directive
            if documentEnded {
                fail(
                    "the file holds more than one YAML document (a second one starts here)",
                    "A spec is one document: remove what follows `...` or move it into its own file.", at: content)
                return
            }
            sawContent = true
            guard flowDepth == 0 else {
                scanTokens(from: content, to: end, contentColumn: indent, lastDash: nil)
                return
            }
            // Block context: each `- ` prefix opens a level at its column, then the content does.
            var position = content
            var lastDash: Int?
            while position < end, bytes[position] == .dash,
                position + 1 == end || bytes[position + 1] == .space || bytes[position + 1] == .carriageReturn
            {
                register(column: position - start, at: position)
                lastDash = position - start
                position += 1
                while position < end, bytes[position] == .space { position += 1 }
            }
            if problem != nil { return }
            if position < end, bytes[position] != .hash, bytes[position] != .carriageReturn {
                register(column: position - start, at: position)
            }
            nodeCanStart = true
            scanTokens(from: position, to: end, contentColumn: position - start, lastDash: lastDash)
        }

        private mutating func scanTokens(from start: Int, to end: Int, contentColumn: Int, lastDash: Int?) {
            var i = start
            var sawValueIndicator = false
            while i < end, problem == nil {
                let byte = bytes[i]
                if let open = quote {
                    if open == .doubleQuote, byte == .backslash {
                        i += 2
                        continue
                    }
                    if byte == open {
                        if open == .singleQuote, i + 1 < end, bytes[i + 1] == .singleQuote {
                            i += 2
                            continue
                        }
                        quote = nil
                        nodeCanStart = false
                    }
                    i += 1
                    continue
                }
                let afterSpace = i == start || bytes[i - 1] == .space || bytes[i - 1] == .tab
                switch byte {
                case .space, .tab, .carriageReturn:
                    break
                case .hash where afterSpace:
                    return
                case .doubleQuote where nodeCanStart, .singleQuote where nodeCanStart:
                    quote = byte
                case .openBracket, .openBrace:
                    if flowDepth > 0 || nodeCanStart {
                        flowDepth += 1
                        checkDepth(at: i)
                        nodeCanStart = true
                    } else {
                        nodeCanStart = false
                    }
                case .closeBracket, .closeBrace:
                    if flowDepth > 0 {
                        flowDepth -= 1
                        nodeCanStart = false
                        if nextSignificant(after: i + 1, end: end) == .colon {
                            fail(
                                "a list or map is used as a key",
                                "Keys must be plain text, such as a name.", at: i)
                        }
                    }
                case .comma where flowDepth > 0:
                    nodeCanStart = true
                case .ampersand where nodeCanStart && isAnchorCharacter(at: i + 1, end: end):
                    anchors += 1
                    if anchors == limits.maxAliases + 1 { firstExcessAnchor = i }
                    i = skipName(from: i + 1, end: end)
                    continue
                case .asterisk where nodeCanStart && isAnchorCharacter(at: i + 1, end: end):
                    aliases += 1
                    if aliases == limits.maxAliases + 1 { firstExcessAlias = i }
                    i = skipName(from: i + 1, end: end)
                    if nextSignificant(after: i, end: end) == .colon {
                        fail("an alias is used as a key", "Keys must be plain text, such as a name.", at: i)
                    }
                    nodeCanStart = false
                    continue
                case .exclamation where nodeCanStart:
                    i = skipName(from: i + 1, end: end, allowingTagCharacters: true)
                    continue
                case .question where nodeCanStart && (i + 1 == end || isBlankByte(bytes[i + 1])):
                    fail(
                        "complex keys (`? `) are not supported",
                        "Keys must be plain text, such as a name: write `name: value`.", at: i)
                case .colon where i + 1 == end || isBlankByte(bytes[i + 1]) || flowDepth > 0:
                    sawValueIndicator = true
                    nodeCanStart = true
                case .dash where nodeCanStart && (i + 1 == end || isBlankByte(bytes[i + 1])):
                    break
                case .pipe where flowDepth == 0 && nodeCanStart && isBlockScalarHeader(from: i + 1, end: end),
                    .greater where flowDepth == 0 && nodeCanStart && isBlockScalarHeader(from: i + 1, end: end):
                    blockScalarParent =
                        sawValueIndicator
                        ? contentColumn : (indents.last(where: { $0 < contentColumn }) ?? lastDash ?? -1)
                    return
                default:
                    nodeCanStart = false
                }
                i += 1
            }
        }

        private mutating func register(column: Int, at offset: Int) {
            while let last = indents.last, last > column { indents.removeLast() }
            if indents.last != column { indents.append(column) }
            checkDepth(at: offset)
        }

        private mutating func checkDepth(at offset: Int) {
            guard indents.count + flowDepth > limits.maxDepth, problem == nil else { return }
            fail(
                "document nests deeper than \(limits.maxDepth) levels",
                "Specs need only a few levels; flatten the structure.", at: offset)
        }

        private mutating func fail(_ summary: String, _ detail: String, at offset: Int) {
            if problem == nil { problem = Problem(summary: summary, detail: detail, offset: offset) }
        }

        /// Whether the line is `---` or `...` (alone or followed by a space).
        private func isMarker(at start: Int, to end: Int, _ character: UInt8) -> Bool {
            guard end - start >= 3, bytes[start] == character, bytes[start + 1] == character,
                bytes[start + 2] == character
            else { return false }
            return end - start == 3 || isBlankByte(bytes[start + 3])
        }

        /// After `|` or `>`: only indentation and chomping indicators, then a comment or nothing.
        private func isBlockScalarHeader(from start: Int, end: Int) -> Bool {
            var i = start
            while i < end,
                bytes[i] == .plus || bytes[i] == .dash || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i])
            {
                i += 1
            }
            let headerEnd = i
            while i < end, isBlankByte(bytes[i]) { i += 1 }
            return i == end || (bytes[i] == .hash && i > headerEnd)
        }

        private func nextSignificant(after start: Int, end: Int) -> UInt8? {
            var i = start
            while i < end, bytes[i] == .space || bytes[i] == .tab { i += 1 }
            return i < end ? bytes[i] : nil
        }

        private func isAnchorCharacter(at i: Int, end: Int) -> Bool {
            guard i < end else { return false }
            let byte = bytes[i]
            return byte >= 0x80 || byte == .dash || byte == .underscore
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }

        private func skipName(from start: Int, end: Int, allowingTagCharacters: Bool = false) -> Int {
            var i = start
            while i < end,
                isAnchorCharacter(at: i, end: end)
                    || (allowingTagCharacters && !isBlankByte(bytes[i]) && !isFlowIndicator(bytes[i]))
            {
                i += 1
            }
            return i
        }

        private func isBlankByte(_ byte: UInt8) -> Bool {
            byte == .space || byte == .tab || byte == .carriageReturn || byte == .newline
        }

        private func isFlowIndicator(_ byte: UInt8) -> Bool {
            byte == .comma || byte == .openBracket || byte == .closeBracket || byte == .openBrace || byte == .closeBrace
        }
    }
}

extension UInt8 {
    fileprivate static let newline = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let hash = UInt8(ascii: "#")
    fileprivate static let dash = UInt8(ascii: "-")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let pipe = UInt8(ascii: "|")
    fileprivate static let greater = UInt8(ascii: ">")
    fileprivate static let question = UInt8(ascii: "?")
    fileprivate static let exclamation = UInt8(ascii: "!")
    fileprivate static let ampersand = UInt8(ascii: "&")
    fileprivate static let asterisk = UInt8(ascii: "*")
    fileprivate static let underscore = UInt8(ascii: "_")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let doubleQuote = UInt8(ascii: "\"")
    fileprivate static let singleQuote = UInt8(ascii: "'")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")
}
