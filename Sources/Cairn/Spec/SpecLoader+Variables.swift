import Foundation

extension SpecLoader {
    /// The environment variable that sets variable or flag `name`: `CAIRN_VAR_NAME` /
    /// `CAIRN_FLAG_NAME`, upper-cased, with `-` written as `_`.
    public static func environmentName(for name: String, flag: Bool) -> String {
        (flag ? "CAIRN_FLAG_" : "CAIRN_VAR_") + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// Each variable's value: `--var` wins over `CAIRN_VAR_NAME`, which wins over the default.
    /// A value given as text takes the kind of the default (integer, number, boolean, list or
    /// map as JSON); without a default it stays text.
    func resolveVariables(_ document: SpecDocument, fileName: String, diagnostics: inout Diagnostics)
        -> [String: Value]
    {
        let declared = document.variables.map(\.name)
        let at = document.variablesLocation ?? SourceLocation(file: fileName)
        for name in options.variables.keys.sorted() where !declared.contains(name) {
            diagnostics.error(
                "--var \(name): the spec declares no variable `\(name)`",
                detail: SpecSuggestions.didYouMean(name, in: declared)
                    + "Declared variables: \(SpecSuggestions.list(declared)). Declare it under `variables:` to set it.",
                at: at)
        }
        var values: [String: Value] = [:]
        for variable in document.variables {
            let environmentName = Self.environmentName(for: variable.name, flag: false)
            let given: (text: String, source: String)? =
                if let text = options.variables[variable.name] {
                    (text, "--var \(variable.name)")
                } else if let text = options.environment[environmentName] {
                    (text, environmentName)
                } else {
                    nil
                }
            if let given {
                if let value = Self.value(
                    given.text, like: variable.defaultValue, for: variable, source: given.source,
                    diagnostics: &diagnostics)
                {
                    values[variable.name] = value
                }
            } else if let value = variable.defaultValue {
                values[variable.name] = value
            } else {
                diagnostics.error(
                    "variable \(variable.name) has no value",
                    detail: "Set it with --var \(variable.name)=VALUE or the environment variable \(environmentName), "
                        + "or give it a `default:` in the spec.", at: variable.location)
            }
        }
        return values
    }

    /// Each flag's value: `--flag` wins over `--flags-file`, which wins over `CAIRN_FLAG_NAME`,
    /// which wins over the default.
    func resolveFlags(_ document: SpecDocument, fileName: String, diagnostics: inout Diagnostics) -> [String: Bool] {
        let declared = document.flags.map(\.name)
        let at = document.flagsLocation ?? SourceLocation(file: fileName)
        for name in options.flags.keys.sorted() where !declared.contains(name) {
            diagnostics.error(
                "--flag \(name): the spec declares no flag `\(name)`",
                detail: SpecSuggestions.didYouMean(name, in: declared)
                    + "Declared flags: \(SpecSuggestions.list(declared)). Declare it under `flags:` to set it.", at: at)
        }
        let file = fileFlags(declared: declared, diagnostics: &diagnostics)
        var values: [String: Bool] = [:]
        for flag in document.flags {
            let environmentName = Self.environmentName(for: flag.name, flag: true)
            if options.flags[flag.name] == nil, let value = file[flag.name] {
                values[flag.name] = value
                continue
            }
            let given: (text: String, source: String)? =
                if let text = options.flags[flag.name] {
                    (text, "--flag \(flag.name)=\(text)")
                } else if let text = options.environment[environmentName] {
                    (text, "\(environmentName)=\(text)")
                } else {
                    nil
                }
            guard let given else {
                values[flag.name] = flag.defaultValue
                continue
            }
            if let b = Self.bool(given.text) {
                values[flag.name] = b
            } else {
                diagnostics.error(
                    "\(given.source): a flag is true or false",
                    detail: "Use true, false, 1, 0, yes or no.", at: flag.location)
                values[flag.name] = flag.defaultValue
            }
        }
        return values
    }

    /// The boolean values of `--flags-file`, reporting undeclared names and other kinds of
    /// values at their place in the file.
    private func fileFlags(declared: [String], diagnostics: inout Diagnostics) -> [String: Bool] {
        guard let file = options.flagsFile else { return [:] }
        var values: [String: Bool] = [:]
        for (name, entry) in file.entries.sorted(by: { $0.key < $1.key }) {
            guard declared.contains(name) else {
                diagnostics.error(
                    "\(file.source) sets flag `\(name)`, which the spec does not declare",
                    detail: SpecSuggestions.didYouMean(name, in: declared)
                        + "Declared flags: \(SpecSuggestions.list(declared)). Remove it from the file, or declare it "
                        + "under `flags:`.", at: entry.location)
                continue
            }
            guard case .bool(let b) = entry.value else {
                let found: String =
                    if case .string(let s) = entry.value { "\"\(s)\"" } else { "\(entry.value.kindName) \(entry.value.interpolated)" }
                diagnostics.error(
                    "\(file.source): flag \(name) is true or false (found \(found))",
                    detail: "Write true or false without quotes.", at: entry.location)
                continue
            }
            values[name] = b
        }
        return values
    }

    /// `true`/`false`/`1`/`0`/`yes`/`no` (any case).
    static func bool(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1", "yes": true
        case "false", "0", "no": false
        default: nil
        }
    }

    private static func value(
        _ text: String, like example: Value?, for variable: SpecDocument.Variable, source: String,
        diagnostics: inout Diagnostics
    ) -> Value? {
        let parsed: Value?
        let wanted: String
        switch example {
        case .int:
            parsed = Int(text.trimmingCharacters(in: .whitespaces)).map(Value.int)
            wanted = "an integer"
        case .double:
            parsed = Double(text.trimmingCharacters(in: .whitespaces)).map(Value.double)
            wanted = "a number"
        case .bool:
            parsed = bool(text).map(Value.bool)
            wanted = "true or false"
        case .list, .map:
            let json = try? Value.parseJSON(Data(text.utf8))
            parsed = json?.kindName == example?.kindName ? json : nil
            wanted = "a JSON \(example?.kindName ?? "value")"
        case .string, .null, nil:
            return .string(text)
        }
        if let parsed { return parsed }
        let shown = variable.sensitive ? "the value" : "`\(text)`"
        diagnostics.error(
            "\(source): variable \(variable.name) takes \(wanted) (like its default), and \(shown) is not",
            detail: "Give a value of the same kind as the default.", at: variable.location)
        return nil
    }
}
