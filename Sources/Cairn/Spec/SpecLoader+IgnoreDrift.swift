extension SpecLoader {
    /// Checks `ignore_drift`: each entry must name a property of the resource's type (a path
    /// such as `tags.owner` names its first part). Returns the entries, each once.
    func checkIgnoreDrift(
        _ declaration: SpecDocument.ResourceDeclaration, schema: ResourceSchema?, diagnostics: inout Diagnostics
    ) -> [String] {
        var paths: [String] = []
        for field in declaration.ignoreDrift {
            let name = ValueDiff.topLevel(field.path)
            // A type that lists no properties accepts any (a schema-less provider).
            if let schema, !schema.properties.isEmpty, schema.property(name) == nil {
                let names = schema.properties.map(\.name)
                diagnostics.error(
                    "ignore_drift of resource \(declaration.address) names `\(field.path)`, but \(schema.type) has no "
                        + "property `\(name)`",
                    detail: SpecSuggestions.didYouMean(name, in: names)
                        + "Properties of \(schema.type): \(SpecSuggestions.list(names)).",
                    address: declaration.address, at: field.location)
                continue
            }
            if !paths.contains(field.path) { paths.append(field.path) }
        }
        return paths
    }
}
