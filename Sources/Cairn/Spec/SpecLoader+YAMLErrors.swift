import Yams

extension SpecLoader {
    /// Turns an error from the YAML parser into a diagnostic with a position and a hint.
    func yamlDiagnostic(_ error: any Error, text: String, fileName: String) -> Diagnostic {
        let language = Self.looksLikeJSON(text, fileName: fileName) ? "JSON" : "YAML"
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: fileName, line: mark.line, column: mark.column) }
        guard let yamlError = error as? YamlError else {
            return Diagnostic(.error, "cannot read the spec: \(error)", at: SourceLocation(file: fileName))
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if problem.contains("Maximum nesting level") {
                return Diagnostic(
                    .error, "document nests deeper than \(options.limits.maxDepth) levels",
                    detail: "Specs need only a few levels; flatten the structure.", at: at(mark))
            }
            if problem.contains("another document") {
                return Diagnostic(
                    .error, "the file holds more than one YAML document (a second one starts here)",
                    detail: "A spec is one document: remove the second `---` or move the rest into its own file.",
                    at: at(mark))
            }
            if problem.contains("undefined alias") {
                return Diagnostic(
                    .error, "this alias refers to no anchor",
                    detail: "An alias (*name) must come after the anchor (&name) it repeats; check the spelling.",
                    at: at(mark))
            }
            var summary = "\(language) syntax error: \(problem)"
            if let context {
                summary += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return Diagnostic(
                .error, summary, detail: Self.hint(problem: problem, line: mark.line, in: text), at: at(mark))
        case .reader(let problem, let offset, _, _):
            var location = SourceLocation(file: fileName)
            if let offset {
                let (line, column) = Self.position(ofCharacter: offset, in: text)
                location = SourceLocation(file: fileName, line: line, column: column)
            }
            return Diagnostic(
                .error, "the spec cannot be read as text: \(problem)",
                detail: "Remove control characters; a spec is UTF-8 text.", at: location)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "`\($0)`" }.joined(separator: ", ")
            return Diagnostic(
                .error, "duplicate key \(keys)",
                detail: "A key may appear once in a map (YAML would silently keep only one value); "
                    + "remove or rename the repeated one.", at: at(context.mark))
        default:
            return Diagnostic(.error, "cannot read the spec: \(yamlError)", at: SourceLocation(file: fileName))
        }
    }

    static func looksLikeJSON(_ text: String, fileName: String) -> Bool {
        if fileName.lowercased().hasSuffix(".json") { return true }
        let first = text.unicodeScalars.first { !$0.properties.isWhitespace }
        return first == "{" || first == "["
    }

    private static func hint(problem: String, line: Int, in text: String) -> String {
        let lineText = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(line - 1).first ?? ""
        if lineText.drop(while: { $0 == " " }).hasPrefix("\t") {
            return "YAML indents with spaces, not tabs; replace the tabs on this line."
        }
        if problem.contains("mapping values are not allowed") {
            return "A value that contains `: ` must be quoted, and a key needs a space after its colon."
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "Check that this line is indented like the keys (or list items) beside it."
        }
        if problem.contains("found unexpected end of stream") || problem.contains("found unknown escape") {
            return "Check the quotes: every opening quote needs a closing one, and `\\` starts an escape in "
                + "double quotes (use single quotes for literal backslashes)."
        }
        return "Check the indentation and quoting around this point."
    }

    /// The 1-based line and column of a character offset.
    private static func position(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (index, character) in text.enumerated() {
            if index >= offset { break }
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
