import Cairn

/// A small, fast JSON reader for the world's own records, which ``Value/canonicalJSON`` wrote.
///
/// `Value`'s `Decodable` conformance tries each kind in turn and is too slow for a world that
/// reads thousands of records a second; this reads the bytes once. Whole numbers without a
/// fraction or exponent become `.int`, others `.double`, so a record reads back as it was written.
enum SimJSON {
    /// A record that is not the JSON the world wrote.
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "malformed JSON at byte \(offset)" }
    }

    /// Parses one JSON value that fills the whole text.
    static func parse(_ text: String) throws -> Value {
        var text = text
        return try text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            let value = try reader.value()
            reader.skipWhitespace()
            guard reader.index == bytes.count else { throw Malformed(offset: reader.index) }
            return value
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func value() throws -> Value {
            skipWhitespace()
            guard index < bytes.count else { throw Malformed(offset: index) }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        private mutating func literal(_ word: StaticString, _ value: Value) throws -> Value {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw Malformed(offset: index) }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw Malformed(offset: index)
            }
            index += count
            return value
        }

        private mutating func object() throws -> Value {
            index += 1
            var entries: [String: Value] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .map(entries)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed(offset: index) }
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                entries[key] = try value()
                skipWhitespace()
                if try endOrComma(UInt8(ascii: "}")) { return .map(entries) }
            }
        }

        private mutating func array() throws -> Value {
            index += 1
            var elements: [Value] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .list(elements)
            }
            while true {
                elements.append(try value())
                skipWhitespace()
                if try endOrComma(UInt8(ascii: "]")) { return .list(elements) }
            }
        }

        private mutating func endOrComma(_ end: UInt8) throws -> Bool {
            guard index < bytes.count else { throw Malformed(offset: index) }
            let byte = bytes[index]
            index += 1
            if byte == end { return true }
            guard byte == UInt8(ascii: ",") else { throw Malformed(offset: index - 1) }
            return false
        }

        private mutating func expect(_ byte: UInt8) throws {
            guard index < bytes.count, bytes[index] == byte else { throw Malformed(offset: index) }
            index += 1
        }

        private mutating func string() throws -> String {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                index += 1
            }
            guard index < bytes.count else { throw Malformed(offset: start) }
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
            }
            var scalars = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: scalars, as: UTF8.self) }
                guard byte == UInt8(ascii: "\\") else {
                    scalars.append(byte)
                    continue
                }
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): scalars.append(0x0a)
                case UInt8(ascii: "r"): scalars.append(0x0d)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0c)
                case UInt8(ascii: "u"): scalars.append(contentsOf: try unicodeEscape())
                default: scalars.append(escaped)
                }
            }
            throw Malformed(offset: start)
        }

        /// The UTF-8 bytes of a `\uXXXX` escape (the `\u` already read), joining surrogate pairs.
        private mutating func unicodeEscape() throws -> [UInt8] {
            var code = try hex4()
            if (0xd800..<0xdc00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                bytes[index + 1] == UInt8(ascii: "u")
            {
                index += 2
                let low = try hex4()
                code = 0x10000 + ((code - 0xd800) << 10) + (low &- 0xdc00)
            }
            let scalar = Unicode.Scalar(code) ?? "\u{fffd}"
            return Array(String(Character(scalar)).utf8)
        }

        private mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw Malformed(offset: index) }
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else {
                    throw Malformed(offset: index)
                }
                code = code << 4 | UInt32(digit)
                index += 1
            }
            return code
        }

        private mutating func number() throws -> Value {
            let start = index
            var isWhole = true
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    isWhole = false
                } else if !(byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (0x30...0x39).contains(byte)) {
                    break
                }
                index += 1
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isWhole, let whole = Int(text) { return .int(whole) }
            guard let number = Double(text) else { throw Malformed(offset: start) }
            return .double(number)
        }
    }
}
