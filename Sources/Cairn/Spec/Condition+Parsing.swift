extension Condition {
    /// The deepest nesting of parentheses and `!` a condition may use.
    public static let maxNesting = 64

    /// Parses a condition such as `flag.cdn && var.region == "sim-east-1"`.
    ///
    /// Throws ``SyntaxError`` with the offset of the problem and a message that says how to
    /// write it instead (`=` for `==`, `and` for `&&`, resource attributes that a condition
    /// cannot read, unclosed strings and parentheses, ...).
    public init(parsing text: String) throws(SyntaxError) {
        var parser = ConditionParser(tokens: try ConditionLexer.tokens(of: text))
        self = try parser.parseAll()
    }

    /// Parses what a property's `${...}` may hold beyond a plain name: a condition, or a
    /// choice `flag.big ? 'large' : 'small'` whose branches may also be resource attributes
    /// (`flag.cdn ? cdn.domain : web[0].address`). Throws ``SyntaxError`` like
    /// ``init(parsing:)``.
    public init(parsingExpression text: String) throws(SyntaxError) {
        var parser = ConditionParser(tokens: try ConditionLexer.tokens(of: text), attributesInBranches: true)
        self = try parser.parseAll()
    }
}

/// One lexical unit of a condition, with its offset in Unicode scalars.
struct ConditionToken: Equatable {
    enum Kind: Equatable {
        case word(String)
        case string(String)
        case integer(Int)
        case not, and, or, equal, notEqual, open, close, question, colon, end
    }

    var kind: Kind
    var offset: Int

    var shown: String {
        switch kind {
        case .word(let w): "`\(w)`"
        case .string(let s): "\"\(s)\""
        case .integer(let i): "\(i)"
        case .not: "`!`"
        case .and: "`&&`"
        case .or: "`||`"
        case .equal: "`==`"
        case .notEqual: "`!=`"
        case .open: "`(`"
        case .close: "`)`"
        case .question: "`?`"
        case .colon: "`:`"
        case .end: "the end"
        }
    }
}

enum ConditionLexer {
    static func tokens(of text: String) throws(Condition.SyntaxError) -> [ConditionToken] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [ConditionToken] = []
        var i = 0
        func peek(_ k: Int) -> Unicode.Scalar? { i + k < scalars.count ? scalars[i + k] : nil }
        while i < scalars.count {
            let c = scalars[i]
            let start = i
            switch c {
            case " ", "\t", "\n", "\r":
                i += 1
                continue
            case "(":
                tokens.append(.init(kind: .open, offset: start))
                i += 1
            case ")":
                tokens.append(.init(kind: .close, offset: start))
                i += 1
            case "?":
                tokens.append(.init(kind: .question, offset: start))
                i += 1
            case ":":
                tokens.append(.init(kind: .colon, offset: start))
                i += 1
            case "!":
                if peek(1) == "=" {
                    tokens.append(.init(kind: .notEqual, offset: start))
                    i += 2
                } else {
                    tokens.append(.init(kind: .not, offset: start))
                    i += 1
                }
            case "=":
                guard peek(1) == "=" else {
                    throw .init("`=` is not an operator; write `==` to compare two values", at: start)
                }
                tokens.append(.init(kind: .equal, offset: start))
                i += 2
            case "&":
                guard peek(1) == "&" else { throw .init("write `&&` for \"and\"", at: start) }
                tokens.append(.init(kind: .and, offset: start))
                i += 2
            case "|":
                guard peek(1) == "|" else { throw .init("write `||` for \"or\"", at: start) }
                tokens.append(.init(kind: .or, offset: start))
                i += 2
            case "\"", "'":
                var value = ""
                i += 1
                while true {
                    guard let d = peek(0) else {
                        throw .init("this string is never closed; add a closing \(c)", at: start)
                    }
                    i += 1
                    if d == c { break }
                    if d == "\\", let escaped = peek(0) {
                        value.unicodeScalars.append(escaped)
                        i += 1
                    } else {
                        value.unicodeScalars.append(d)
                    }
                }
                tokens.append(.init(kind: .string(value), offset: start))
            case "0"..."9", "-":
                var digits = ""
                while let d = peek(0), d == "-" && digits.isEmpty || ("0"..."9").contains(d) {
                    digits.unicodeScalars.append(d)
                    i += 1
                }
                guard let n = Int(digits) else { throw .init("`\(digits)` is not a number", at: start) }
                tokens.append(.init(kind: .integer(n), offset: start))
            default:
                guard isWordScalar(c) else { throw .init("unexpected character `\(c)`", at: start) }
                var word = ""
                while let d = peek(0), isWordScalar(d) || d == "-" || ("0"..."9").contains(d) || d == "[" {
                    if d == "[" {
                        // A fleet member (`web[0]`, `web["eu"]`): the brackets belong to the word.
                        guard let close = scalars[i...].firstIndex(of: "]") else {
                            throw .init("this `[` is never closed; add a `]`", at: i)
                        }
                        word.unicodeScalars.append(contentsOf: scalars[i...close])
                        i = close + 1
                        continue
                    }
                    word.unicodeScalars.append(d)
                    i += 1
                }
                switch word {
                case "and": throw .init("write `&&` instead of `and`", at: start)
                case "or": throw .init("write `||` instead of `or`", at: start)
                case "not": throw .init("write `!` instead of `not`", at: start)
                default: tokens.append(.init(kind: .word(word), offset: start))
                }
            }
        }
        tokens.append(.init(kind: .end, offset: scalars.count))
        return tokens
    }

    private static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" || c == "."
    }
}

/// A recursive-descent parser over the tokens of one condition.
struct ConditionParser {
    let tokens: [ConditionToken]
    /// Whether a branch of a choice may be a resource attribute (property values only).
    let attributesInBranches: Bool
    private var position = 0
    private var depth = 0

    init(tokens: [ConditionToken], attributesInBranches: Bool = false) {
        self.tokens = tokens
        self.attributesInBranches = attributesInBranches
    }

    private var current: ConditionToken { tokens[position] }

    mutating func parseAll() throws(Condition.SyntaxError) -> Condition {
        if current.kind == .end {
            throw .init("the condition is empty; write e.g. flag.NAME, var.NAME == \"value\", true or false", at: 0)
        }
        let condition = try parseChoice()
        switch current.kind {
        case .end:
            return condition
        case .close:
            throw .init("this `)` has no matching `(`", at: current.offset)
        case .colon:
            throw .init("`:` without a `?` before it; write CONDITION ? VALUE : VALUE", at: current.offset)
        default:
            throw .init(
                "unexpected \(current.shown) after a complete condition; join conditions with && or ||",
                at: current.offset)
        }
    }

    private mutating func parseChoice() throws(Condition.SyntaxError) -> Condition {
        let condition = try parseOr()
        guard current.kind == .question else { return condition }
        let offset = current.offset
        position += 1
        try enter(at: offset)
        defer { depth -= 1 }
        let whenTrue = try parseBranch()
        guard current.kind == .colon else {
            throw .init(
                "a choice needs both values: write CONDITION ? VALUE : VALUE (found \(current.shown) where `:` was expected)",
                at: current.offset)
        }
        position += 1
        let whenFalse = try parseBranch()
        return .choose(condition, whenTrue, whenFalse)
    }

    /// One value of a choice: a nested choice, or (in a property) a resource attribute alone.
    private mutating func parseBranch() throws(Condition.SyntaxError) -> Condition {
        if attributesInBranches, case .word(let word) = current.kind, position + 1 < tokens.count,
            [.colon, .end, .close].contains(tokens[position + 1].kind),
            let reference = Template.reference(word), ResourceAddress(parsing: reference.resource) != nil
        {
            position += 1
            return .attribute(reference)
        }
        return try parseChoice()
    }

    private mutating func parseOr() throws(Condition.SyntaxError) -> Condition {
        var left = try parseAnd()
        while current.kind == .or {
            position += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(Condition.SyntaxError) -> Condition {
        var left = try parseComparison()
        while current.kind == .and {
            position += 1
            left = .and(left, try parseComparison())
        }
        return left
    }

    private mutating func parseComparison() throws(Condition.SyntaxError) -> Condition {
        let left = try parseUnary()
        let kind = current.kind
        guard kind == .equal || kind == .notEqual else { return left }
        position += 1
        let right = try parseUnary()
        if current.kind == .equal || current.kind == .notEqual {
            throw .init(
                "comparisons do not chain; compare two values at a time and join them with && or ||",
                at: current.offset)
        }
        return kind == .equal ? .equal(left, right) : .notEqual(left, right)
    }

    private mutating func parseUnary() throws(Condition.SyntaxError) -> Condition {
        guard current.kind == .not else { return try parsePrimary() }
        let offset = current.offset
        position += 1
        try enter(at: offset)
        defer { depth -= 1 }
        return .not(try parseUnary())
    }

    private mutating func parsePrimary() throws(Condition.SyntaxError) -> Condition {
        let token = current
        switch token.kind {
        case .open:
            position += 1
            try enter(at: token.offset)
            defer { depth -= 1 }
            let inner = try parseChoice()
            guard current.kind == .close else {
                if current.kind == .end { throw .init("this `(` is never closed; add a `)`", at: token.offset) }
                throw .init("expected `)` or an operator here, found \(current.shown)", at: current.offset)
            }
            position += 1
            return inner
        case .string(let s):
            position += 1
            return .literal(.string(s))
        case .integer(let n):
            position += 1
            return .literal(.int(n))
        case .word(let word):
            position += 1
            return try Self.reference(word, at: token.offset)
        case .end:
            let after = position > 0 ? " after \(tokens[position - 1].shown)" : ""
            throw .init("the condition ends where a value was expected\(after)", at: token.offset)
        default:
            throw .init(
                "expected a value (flag.NAME, var.NAME, true, false or a quoted string), found \(token.shown)",
                at: token.offset)
        }
    }

    private mutating func enter(at offset: Int) throws(Condition.SyntaxError) {
        depth += 1
        if depth > Condition.maxNesting {
            throw .init("the condition nests deeper than \(Condition.maxNesting) levels", at: offset)
        }
    }

    private static func reference(_ word: String, at offset: Int) throws(Condition.SyntaxError) -> Condition {
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        default: break
        }
        let pieces = word.split(separator: ".", omittingEmptySubsequences: false)
        if pieces.count == 2, !pieces[1].isEmpty {
            switch pieces[0] {
            case "flag": return .flag(String(pieces[1]))
            case "var": return .variable(String(pieces[1]))
            case "": break
            case "count", "each":
                throw .init(
                    "\(word) is only known in a member of a fleet (count.index with count:, each.key and "
                        + "each.value with for_each:)", at: offset)
            default:
                throw .init(
                    "a condition cannot read resource attributes (\(word)): conditions are decided before anything "
                        + "is created; use flag.NAME or var.NAME", at: offset)
            }
        }
        if pieces.count == 1 {
            throw .init(
                "`\(word)` is not a value a condition can read; write flag.\(word), var.\(word), true, false "
                    + "or a quoted string", at: offset)
        }
        throw .init("`\(word)` is not a value a condition can read; write flag.NAME or var.NAME", at: offset)
    }
}
