import Cairn
import Testing

@Suite("Conditions (`when:`)")
struct ConditionTests {
    static let flags = ["cdn": true, "debug": false]
    static let variables: [String: Value] = ["region": "sim-east-1", "replicas": 3]

    @Test(
        "conditions evaluate",
        arguments: [
            ("flag.cdn", true),
            ("!flag.cdn", false),
            ("!!flag.cdn", true),
            ("flag.cdn && flag.debug", false),
            ("flag.cdn || flag.debug", true),
            ("flag.debug || flag.cdn && false", false),
            ("(flag.debug || flag.cdn) && true", true),
            ("var.region == \"sim-east-1\"", true),
            ("var.region == 'sim-west-1'", false),
            ("var.region != \"sim-west-1\"", true),
            ("var.replicas == 3", true),
            ("flag.cdn == true", true),
            ("  flag.cdn  ", true),
        ])
    func evaluates(text: String, expected: Bool) throws {
        let condition = try Condition(parsing: text)
        #expect(try condition.evaluate(flags: Self.flags, variables: Self.variables) == expected)
    }

    @Test("precedence: && binds tighter than ||, ! tighter than both")
    func precedence() throws {
        #expect(
            try Condition(parsing: "flag.a || flag.b && !flag.c")
                == .or(.flag("a"), .and(.flag("b"), .not(.flag("c")))))
        #expect(try Condition(parsing: "var.x == \"a\" && flag.y").description == "var.x == \"a\" && flag.y")
        #expect(
            try Condition(parsing: "!(flag.a || flag.b) && (flag.c || flag.d)").description
                == "!(flag.a || flag.b) && (flag.c || flag.d)")
        #expect(try Condition(parsing: "((flag.a))").description == "flag.a")
        #expect(try Condition(parsing: "flag.a || flag.b && !flag.c").flagNames == ["a", "b", "c"])
    }

    @Test(
        "syntax errors say how to write it, and where",
        arguments: [
            ("", "the condition is empty", 0),
            ("flag.cdn and flag.x", "write `&&` instead of `and`", 9),
            ("flag.cdn & flag.x", "write `&&` for \"and\"", 9),
            ("var.region = \"x\"", "`=` is not an operator; write `==`", 11),
            ("(flag.cdn", "this `(` is never closed", 0),
            ("flag.cdn)", "this `)` has no matching `(`", 8),
            ("flag.cdn &&", "the condition ends where a value was expected after `&&`", 11),
            ("cdn", "`cdn` is not a value a condition can read; write flag.cdn, var.cdn", 0),
            ("net.id == \"x\"", "a condition cannot read resource attributes (net.id)", 0),
            ("var.region == \"x", "this string is never closed", 14),
            ("var.a == var.b == var.c", "comparisons do not chain", 15),
            ("flag.a flag.b", "unexpected `flag.b` after a complete condition", 7),
            ("flag.a # x", "unexpected character `#`", 7),
            ("flag.a ? 'x'", "a choice needs both values", 12),
            ("flag.a : 'x'", "`:` without a `?` before it", 7),
        ])
    func syntaxErrors(text: String, message: String, offset: Int) {
        #expect(throws: Condition.SyntaxError.self) { try Condition(parsing: text) }
        do {
            _ = try Condition(parsing: text)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.offset == offset)
        }
    }

    @Test("nesting is bounded")
    func nesting() {
        let deep = String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000)
        do {
            _ = try Condition(parsing: deep)
            Issue.record("a 10,000-deep condition was accepted")
        } catch {
            #expect(error.message == "the condition nests deeper than 64 levels")
        }
        #expect(throws: Condition.SyntaxError.self) {
            try Condition(parsing: String(repeating: "!", count: 100) + "true")
        }
    }

    @Test(
        "evaluation errors",
        arguments: [
            ("var.region", "gives a string, not true or false"),
            ("!var.region", "! needs true or false, but var.region is a string"),
            ("var.replicas == \"3\"", "cannot compare var.replicas (an integer) with \"3\" (a string)"),
            ("flag.nope", "there is no flag nope"),
        ])
    func evaluationErrors(text: String, message: String) throws {
        let condition = try Condition(parsing: text)
        let error = try #require(throws: Condition.EvaluationError.self) {
            try condition.evaluate(flags: Self.flags, variables: Self.variables)
        }
        #expect(error.message.contains(message), "\(error.message)")
    }
}
