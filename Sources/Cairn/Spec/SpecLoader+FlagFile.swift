import Foundation
import Yams

extension SpecLoader {
    /// Reads a flags file (YAML or JSON). The loader's limits apply as to a spec.
    ///
    /// - Throws: ``Diagnostics`` when the file cannot be read or is not a map of names to values.
    public func loadFlags(file: URL) throws -> FlagFile {
        let name = file.relativePath
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw Diagnostics([
                Diagnostic(
                    .error, "cannot read the flags file \(name)",
                    detail: "Check the path given to --flags-file; the file holds a map such as `cdn: true`.",
                    at: SourceLocation(file: name))
            ])
        }
        guard data.count <= options.limits.maxBytes else {
            throw Diagnostics([Self.oversize(data.count, limits: options.limits, file: name)])
        }
        return try loadFlags(text: SpecGuard(limits: options.limits, file: name).text(from: data), fileName: name)
    }

    /// Reads a flags file held in memory; `fileName` names it in messages.
    ///
    /// - Throws: ``Diagnostics`` when the text is not a map of names to values.
    public func loadFlags(text: String, fileName: String) throws -> FlagFile {
        try SpecGuard(limits: options.limits, file: fileName).check(text)
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw Diagnostics([yamlDiagnostic(error, text: text, fileName: fileName)])
        }
        guard let root else { return FlagFile(source: fileName, entries: [:]) }
        var diagnostics = Diagnostics()
        let node = SpecNode(yaml: root, file: fileName, diagnostics: &diagnostics)
        try diagnostics.throwIfErrors()
        if node.isNull { return FlagFile(source: fileName, entries: [:]) }
        guard let entries = node.entries else {
            throw Diagnostics([
                Diagnostic(
                    .error,
                    "the flags file \(fileName) must be a map of flag names to true or false "
                        + "(found \(node.kindWithArticle))",
                    detail: "Write one `name: true` per line, or a JSON object such as {\"cdn\": true}.",
                    at: node.location)
            ])
        }
        var out: [String: FlagFile.Entry] = [:]
        for entry in entries {
            out[entry.key] = FlagFile.Entry(value: entry.value.value, location: entry.keyLocation)
        }
        return FlagFile(source: fileName, entries: out)
    }
}
