import Cairn
import Testing

/// The JSON reader reads back exactly what `canonicalJSON` wrote (doubles stay doubles).
@Suite("Value JSON reader")
struct ValueJSONTests {
    static let values: [Value] = [
        .null, true, false, 0, -42, .int(Int.max), 1.5, -0.25, 1e20, "", "plain", "quote \" and \\ backslash",
        "lines\nand\ttabs\r", "control \u{01}", "unicode é ✓ 🚀", [], [1, "two", [3]], [:],
        ["a": 1, "b": ["c": [true, .null]], "ingress": [["port": 443, "cidr": "0.0.0.0/0"]]], .double(5),
    ]

    @Test("round trip", arguments: values)
    func roundTrip(_ value: Value) throws {
        #expect(try Value.parseJSON(value.canonicalJSON) == value)
    }

    @Test("standard escapes and surrogate pairs from other writers")
    func foreignEscapes() throws {
        #expect(try Value.parseJSON(#""\u00e9\ud83d\ude80\/""#) == "é🚀/")
        #expect(try Value.parseJSON(" { \"a\" : [ 1 , 2 ] } ") == ["a": [1, 2]])
    }

    @Test("malformed text is refused", arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "1 2", "\"open", "{\"a\":1,}"])
    func malformed(_ text: String) {
        #expect(throws: (any Error).self) { try Value.parseJSON(text) }
    }
}
