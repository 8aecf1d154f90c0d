import Foundation

/// Cheap checks on the raw bytes and text of a spec, made before a YAML parser sees them, so
/// that a hostile or broken document is refused in time and memory proportional to its size.
///
/// It refuses: documents larger than ``SpecLoader/Limits/maxBytes``; text that is not UTF-8;
/// nesting deeper than ``SpecLoader/Limits/maxDepth`` (flow `[`/`{` plus indentation levels);
/// more than ``SpecLoader/Limits/maxAliases`` aliases or anchors; a second document in the
/// file; and complex keys (`? `, aliases or collections used as keys), which cost a parser
/// time proportional to their expanded size. The scan understands quotes, comments and block
/// scalars well enough for real specs; it errs on the side of counting too much.
struct SpecGuard: Sendable {
    var limits: SpecLoader.Limits
    var file: String

    /// Decodes the bytes of a spec file as UTF-8 (dropping a byte-order mark), refusing files
    /// that are too large or not UTF-8.
    func text(from data: Data) throws -> String {
        try checkSize(data.count)
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            throw Diagnostics([
                Diagnostic(
                    .error, "the file is UTF-16, not UTF-8",
                    detail: "Save the spec as UTF-8 (without a byte-order mark) and try again.",
                    at: SourceLocation(file: file, line: 1, column: 1))
            ])
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1
        var column = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput, .error:
                break decoding
            }
        }
        throw Diagnostics([
            Diagnostic(
                .error, "the file is not valid UTF-8",
                detail: "Save the spec as UTF-8 text; the first invalid byte is here.",
                at: SourceLocation(file: file, line: line, column: column))
        ])
    }

    /// Scans `text` and throws ``Diagnostics`` describing the first limit it breaks.
    func check(_ text: String) throws {
        try checkSize(text.utf8.count)
        var text = text
        let problem: Problem? = text.withUTF8 { bytes in
            var scan = Scan(bytes: bytes, limits: limits)
            scan.run()
            return scan.problem
        }
        guard let problem else { return }
        let (line, column) = Self.position(ofByte: problem.offset, in: text)
        throw Diagnostics([
            Diagnostic(
                .error, problem.summary, detail: problem.detail,
                at: SourceLocation(file: file, line: line, column: column))
        ])
    }

    private func checkSize(_ count: Int) throws {
        guard count > limits.maxBytes else { return }
        throw Diagnostics([SpecLoader.oversize(count, limits: limits, file: file)])
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// The 1-based line and column (in Unicode scalars) of a byte offset.
    static func position(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (index, byte) in text.utf8.enumerated() {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    struct Problem {
        var summary: String
        var detail: String
        var offset: Int
    }
}
