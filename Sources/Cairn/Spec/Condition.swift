import Foundation

/// A resource's `when:` condition, in Cairn's deliberately small expression language: it can
/// read flags and variables, compare them and combine the results, and nothing else. No code
/// runs from a spec.
///
/// Grammar (loosest first; `==` and `!=` do not chain):
/// ```
/// condition  := and ( "||" and )*
/// and        := comparison ( "&&" comparison )*
/// comparison := unary ( ( "==" | "!=" ) unary )?
/// unary      := "!" unary | primary
/// primary    := "(" condition ")" | true | false | "text" | 'text' | integer | flag.NAME | var.NAME
/// ```
///
/// A property value may also choose between two values, `${flag.big ? 'large' : 'small'}`
/// (see ``init(parsingExpression:)``): `choice := condition ( "?" branch ":" branch )?`, where
/// a branch is a choice or, in a property, a resource attribute such as `cdn.domain`.
public indirect enum Condition: Sendable, Hashable, CustomStringConvertible {
    /// `true`, `false`, a quoted string or an integer.
    case literal(Value)
    /// `flag.NAME`: the flag's value in this run.
    case flag(String)
    /// `var.NAME`: the variable's value in this run.
    case variable(String)
    /// `!x`
    case not(Condition)
    /// `a && b`
    case and(Condition, Condition)
    /// `a || b`
    case or(Condition, Condition)
    /// `a == b`
    case equal(Condition, Condition)
    /// `a != b`
    case notEqual(Condition, Condition)
    /// `c ? a : b`: `a` when `c` is true, `b` when it is false.
    case choose(Condition, Condition, Condition)
    /// `name.attribute`: another resource's attribute, known only during the run. Only a
    /// branch of a choice in a property value may be one.
    case attribute(Template.Reference)

    /// Why a condition's text could not be read, and where (`offset` counts Unicode scalars
    /// from the start of the text).
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong and how to write it instead.
        public var message: String
        /// Where, in Unicode scalars from the start of the condition's text.
        public var offset: Int

        /// A syntax error at `offset`.
        public init(_ message: String, at offset: Int) {
            self.message = message
            self.offset = offset
        }

        /// The message.
        public var description: String { message }
    }

    /// Why a condition could not be decided with the given flags and variables.
    public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What could not be decided and why.
        public var message: String

        /// An evaluation error saying `message`.
        public init(_ message: String) { self.message = message }

        /// The message.
        public var description: String { message }
    }

    /// The condition written back as text, with parentheses only where they are needed.
    public var description: String {
        switch self {
        case .literal(.string(let s)):
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .literal(let value): value.interpolated
        case .flag(let name): "flag.\(name)"
        case .variable(let name): "var.\(name)"
        case .not(let c): "!" + c.text(within: precedence)
        case .and(let a, let b): "\(a.text(within: precedence)) && \(b.text(within: precedence + 1))"
        case .or(let a, let b): "\(a.text(within: precedence)) || \(b.text(within: precedence + 1))"
        case .equal(let a, let b): "\(a.text(within: precedence + 1)) == \(b.text(within: precedence + 1))"
        case .notEqual(let a, let b): "\(a.text(within: precedence + 1)) != \(b.text(within: precedence + 1))"
        case .choose(let c, let a, let b): "\(c.text(within: 1)) ? \(a.text(within: 0)) : \(b.text(within: 0))"
        case .attribute(let reference): reference.description
        }
    }

    /// How tightly the condition's operator binds: `?:` 0, `||` 1, `&&` 2, `==` 3, `!` 4, values 5.
    private var precedence: Int {
        switch self {
        case .choose: 0
        case .or: 1
        case .and: 2
        case .equal, .notEqual: 3
        case .not: 4
        case .literal, .flag, .variable, .attribute: 5
        }
    }

    private func text(within level: Int) -> String {
        precedence < level ? "(\(description))" : description
    }

    /// Every flag the condition reads, in the order written.
    public var flagNames: [String] {
        switch self {
        case .flag(let name): [name]
        case .literal, .variable, .attribute: []
        case .not(let c): c.flagNames
        case .and(let a, let b), .or(let a, let b), .equal(let a, let b), .notEqual(let a, let b):
            a.flagNames + b.flagNames
        case .choose(let c, let a, let b): c.flagNames + a.flagNames + b.flagNames
        }
    }

    /// Every variable the condition reads, in the order written.
    public var variableNames: [String] {
        switch self {
        case .variable(let name): [name]
        case .literal, .flag, .attribute: []
        case .not(let c): c.variableNames
        case .and(let a, let b), .or(let a, let b), .equal(let a, let b), .notEqual(let a, let b):
            a.variableNames + b.variableNames
        case .choose(let c, let a, let b): c.variableNames + a.variableNames + b.variableNames
        }
    }

    /// Decides the condition. Throws ``EvaluationError`` when it reads an unknown flag or
    /// variable, applies `!`, `&&` or `||` to something that is not a boolean, compares values
    /// of different kinds, or does not come out as a boolean.
    public func evaluate(flags: [String: Bool], variables: [String: Value]) throws -> Bool {
        let result = try value(flags: flags, variables: variables)
        guard case .bool(let b) = result else {
            throw EvaluationError(
                "the condition \(self) gives \(Self.article(result.kindName)), not true or false; compare it, "
                    + "e.g. \(self) == \"...\"")
        }
        return b
    }

    private func value(flags: [String: Bool], variables: [String: Value]) throws -> Value {
        switch self {
        case .literal(let value):
            return value
        case .flag(let name):
            guard let b = flags[name] else { throw EvaluationError("there is no flag \(name)") }
            return .bool(b)
        case .variable(let name):
            guard let v = variables[name] else { throw EvaluationError("there is no variable \(name)") }
            return v
        case .not(let c):
            return .bool(!(try c.boolean(for: "!", flags: flags, variables: variables)))
        case .and(let a, let b):
            let left = try a.boolean(for: "&&", flags: flags, variables: variables)
            let right = try b.boolean(for: "&&", flags: flags, variables: variables)
            return .bool(left && right)
        case .or(let a, let b):
            let left = try a.boolean(for: "||", flags: flags, variables: variables)
            let right = try b.boolean(for: "||", flags: flags, variables: variables)
            return .bool(left || right)
        case .equal(let a, let b):
            return .bool(try Self.same(a, b, flags: flags, variables: variables))
        case .notEqual(let a, let b):
            return .bool(!(try Self.same(a, b, flags: flags, variables: variables)))
        case .choose:
            return try selected(flags: flags, variables: variables).value(flags: flags, variables: variables)
        case .attribute(let reference):
            throw EvaluationError("\(reference) is known only during the run; a condition cannot read it")
        }
    }

    /// The value of an expression (a condition, a choice or a single value). Throws
    /// ``EvaluationError`` as ``evaluate(flags:variables:)`` does, and for a chosen branch that
    /// is a resource attribute (use ``selected(flags:variables:)`` to get that).
    public func result(flags: [String: Bool], variables: [String: Value]) throws -> Value {
        try value(flags: flags, variables: variables)
    }

    /// The branch a choice takes (following nested choices), or the expression itself when it
    /// is not a choice. Throws ``EvaluationError`` when a choice's condition is not a boolean.
    public func selected(flags: [String: Bool], variables: [String: Value]) throws -> Condition {
        guard case .choose(let c, let a, let b) = self else { return self }
        let chosen = try c.boolean(for: "?", flags: flags, variables: variables) ? a : b
        return try chosen.selected(flags: flags, variables: variables)
    }

    /// The flags that decide which branch a choice takes, and those its chosen value reads,
    /// in the order written; every flag for an expression that is not a choice.
    public func decidingFlags(flags: [String: Bool], variables: [String: Value]) -> [String] {
        guard case .choose(let c, let a, let b) = self,
            let takes = try? c.boolean(for: "?", flags: flags, variables: variables)
        else { return flagNames }
        return c.flagNames + (takes ? a : b).decidingFlags(flags: flags, variables: variables)
    }

    private func boolean(for operation: String, flags: [String: Bool], variables: [String: Value]) throws -> Bool {
        let v = try value(flags: flags, variables: variables)
        guard case .bool(let b) = v else {
            throw EvaluationError(
                "\(operation) needs true or false, but \(self) is \(Self.article(v.kindName)); compare it with == first"
            )
        }
        return b
    }

    private static func same(_ a: Condition, _ b: Condition, flags: [String: Bool], variables: [String: Value]) throws
        -> Bool
    {
        let left = try a.value(flags: flags, variables: variables)
        let right = try b.value(flags: flags, variables: variables)
        if let x = number(left), let y = number(right) { return x == y }
        guard left.kindName == right.kindName else {
            throw EvaluationError(
                "cannot compare \(a) (\(article(left.kindName))) with \(b) (\(article(right.kindName))); "
                    + "compare values of the same kind")
        }
        return left == right
    }

    private static func article(_ kind: String) -> String {
        ("aeiou".contains(kind.prefix(1)) ? "an " : "a ") + kind
    }

    private static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}
