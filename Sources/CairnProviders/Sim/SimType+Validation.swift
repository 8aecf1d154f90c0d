import Cairn

extension SimType {
    /// Every problem with these properties, one sentence each; empty when they fit the schema.
    ///
    /// Checks unknown and missing properties, kinds and formats, the `{port, cidr}` entries of a
    /// security group's `ingress`, and that id lists hold strings. A `null` counts as absent.
    func problems(with properties: [String: Value]) -> [String] {
        let schema = self.schema
        var problems: [String] = []
        let known = Set(schema.properties.map(\.name))
        for name in properties.keys.sorted() where !known.contains(name) {
            let expected = schema.properties.map(\.name).joined(separator: ", ")
            problems.append("\(rawValue) has no property '\(name)'; expected one of \(expected)")
        }
        for property in schema.properties {
            let value = properties[property.name] ?? .null
            if value == .null {
                if property.required { problems.append("\(rawValue) needs the property '\(property.name)'") }
                continue
            }
            if let problem = property.problem(with: value) {
                problems.append("\(rawValue) property '\(property.name)': \(problem)")
            }
        }
        problems += elementProblems(in: properties)
        return problems
    }

    private func elementProblems(in properties: [String: Value]) -> [String] {
        var problems: [String] = []
        for reference in references where reference.isList {
            for (index, element) in (properties[reference.field]?.listValue ?? []).enumerated()
            where element.stringValue == nil {
                let place = "\(rawValue) property '\(reference.field)[\(index)]'"
                problems.append("\(place): expected an id string, found a \(element.kindName)")
            }
        }
        if self == .securityGroup, let rules = properties["ingress"]?.listValue {
            for (index, rule) in rules.enumerated() {
                problems += ingressProblems(rule, index: index)
            }
        }
        return problems
    }

    private func ingressProblems(_ rule: Value, index: Int) -> [String] {
        let place = "\(rawValue) property 'ingress[\(index)]'"
        guard let entry = rule.mapValue else {
            return ["\(place): expected a map such as {port: 443, cidr: 0.0.0.0/0}, found a \(rule.kindName)"]
        }
        var problems: [String] = []
        for key in entry.keys.sorted() where key != "port" && key != "cidr" {
            problems.append("\(place): unknown key '\(key)'; expected port and cidr")
        }
        let checks: [(String, PropertySchema.Format)] = [("port", .port), ("cidr", .cidr)]
        for (key, format) in checks {
            guard let value = entry[key] else {
                problems.append("\(place): needs '\(key)'")
                continue
            }
            if let problem = format.problem(with: value) {
                problems.append("\(rawValue) property 'ingress[\(index)].\(key)': \(problem)")
            }
        }
        return problems
    }
}
