import Foundation

/// Reads JSON into a ``Value`` in one pass over the bytes.
///
/// Unlike `JSONDecoder`, it keeps a number written with a fraction or an exponent a `.double`
/// (so `2.0` comes back as `.double(2.0)`, not `.int(2)`), bounds nesting, and says where a
/// text stops being JSON. The store, the simulated world and command-provider answers read
/// through it.
struct JSONValueReader {
    /// Why a text is not JSON, with the byte offset of the problem.
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "is not valid JSON (\(reason) at byte \(offset))" }
    }

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON value that must fill the whole text.
    static func parse(_ bytes: [UInt8]) throws -> Value {
        var parser = JSONValueReader(bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.malformed("extra text after the value") }
        return value
    }

    private func malformed(_ reason: String) -> Malformed { Malformed(offset: index, reason: reason) }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func value(depth: Int) throws -> Value {
        guard depth < 512 else { throw malformed("nesting deeper than 512 levels") }
        skipSpace()
        guard index < bytes.count else { throw malformed("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default: return try number()
        }
    }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw malformed("expected \(word)")
        }
        index += expected.count
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else {
            throw malformed("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        index += 1
    }

    /// Consumes `byte` when it comes next (after spaces).
    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func object(depth: Int) throws -> Value {
        index += 1
        var entries: [String: Value] = [:]
        if take(UInt8(ascii: "}")) { return .map(entries) }
        repeat {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw malformed("expected a key") }
            let key = try string()
            try expect(UInt8(ascii: ":"))
            entries[key] = try value(depth: depth + 1)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        return .map(entries)
    }

    private mutating func array(depth: Int) throws -> Value {
        index += 1
        var elements: [Value] = []
        if take(UInt8(ascii: "]")) { return .list(elements) }
        repeat {
            elements.append(try value(depth: depth + 1))
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return .list(elements)
    }

    private mutating func number() throws -> Value {
        let start = index
        var isWhole = true
        while index < bytes.count {
            let b = bytes[index]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") {
                index += 1
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                isWhole = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isWhole, let int = Int(text) { return .int(int) }
        guard !text.isEmpty, let double = Double(text), double.isFinite else {
            index = start
            throw malformed(text.isEmpty ? "unexpected character" : "bad number '\(text)'")
        }
        return .double(double)
    }

    private mutating func string() throws -> String {
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw malformed("unfinished escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                default: throw malformed("bad escape")
                }
            default:
                out.append(b)
            }
        }
        throw malformed("unterminated string")
    }

    /// Decodes `XXXX` (after `\u`), joining a surrogate pair, into UTF-8.
    private mutating func unicodeEscape() throws -> [UInt8] {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw malformed("lone surrogate") }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw malformed("bad surrogate pair") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw malformed("bad \\u escape") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw malformed("bad \\u escape") }
        index += 4
        return code
    }
}

extension Value {
    /// Parses JSON text into a value; throws, saying where, on anything that is not JSON.
    public static func parseJSON(_ text: String) throws -> Value {
        try JSONValueReader.parse(Array(text.utf8))
    }

    /// Parses JSON bytes into a value; throws, saying where, on anything that is not JSON.
    public static func parseJSON(_ data: Data) throws -> Value {
        try JSONValueReader.parse(Array(data))
    }
}
