import Cairn
import Foundation
import Yams

extension FaultProfile {
    /// A fault profile that cannot be used, with where and why.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file name, or `fault profile` for text given directly.
        public var source: String
        /// 1-based line and column of the offending node, when known.
        public var line: Int?
        /// 1-based column of the offending node, when known.
        public var column: Int?
        /// What is wrong and how to fix it.
        public var message: String

        /// Makes an error.
        public init(source: String, line: Int? = nil, column: Int? = nil, message: String) {
            self.source = source
            self.line = line
            self.column = column
            self.message = message
        }

        /// `source:line:column: message`.
        public var description: String {
            guard let line else { return "\(source): \(message)" }
            return "\(source):\(line):\(column ?? 1): \(message)"
        }
    }

    /// Parses a profile from YAML text (the format in the type's documentation).
    ///
    /// Empty text gives ``none``. Throws ``LoadError`` naming the line, the field and what is
    /// wrong: an unknown key, a duration without a unit, a probability outside [0, 1], rule
    /// probabilities adding up to more than 1, an unknown operation or type.
    public static func load(yaml: String, source: String = "fault profile") throws -> FaultProfile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw LoadError(source: source, message: "not valid YAML: \(error)")
        }
        guard let root else { return .none }
        return try FaultProfileReader(source: source).profile(root)
    }

    /// Reads and parses the profile in the file at `path`; see ``load(yaml:source:)``.
    public static func load(contentsOfFile path: String) throws -> FaultProfile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(source: path, message: "cannot read the fault profile: \(error.localizedDescription)")
        }
        return try load(yaml: text, source: path)
    }
}

/// Turns a YAML node tree into a ``FaultProfile``, failing on the first problem with its place.
private struct FaultProfileReader {
    var source: String

    func profile(_ root: Node) throws -> FaultProfile {
        let fields = try mapping(
            root, "the fault profile", keys: ["seed", "latency", "rules", "partitions", "read_lag"])
        var profile = FaultProfile()
        if let node = fields["seed"] {
            guard let text = node.scalar?.string, let seed = UInt64(text) else {
                throw error(node, "seed must be a whole number of 0 or more, such as 42")
            }
            profile.seed = seed
        }
        if let node = fields["latency"] { profile.latency = try latency(node) }
        if let node = fields["rules"] {
            profile.rules = try sequence(node, "rules").enumerated().map { try rule($1, index: $0) }
        }
        if let node = fields["partitions"] {
            profile.partitions = try sequence(node, "partitions").enumerated().map { index, item in
                let place = "partitions[\(index)]"
                let fields = try mapping(item, place, keys: ["after", "duration"])
                return FaultProfile.Partition(
                    after: try duration(required(fields, "after", in: item, place), "\(place).after"),
                    duration: try duration(required(fields, "duration", in: item, place), "\(place).duration")
                )
            }
        }
        if let node = fields["read_lag"] { profile.readLag = try duration(node, "read_lag") }
        return profile
    }

    private func latency(_ node: Node) throws -> FaultProfile.Latency {
        if node.scalar != nil {
            let fixed = try duration(node, "latency")
            return FaultProfile.Latency(min: fixed, max: fixed)
        }
        let fields = try mapping(node, "latency", keys: ["min", "max"])
        let min = try fields["min"].map { try duration($0, "latency.min") } ?? .zero
        let max = try fields["max"].map { try duration($0, "latency.max") } ?? min
        guard min <= max else { throw error(node, "latency.min must not be longer than latency.max") }
        return FaultProfile.Latency(min: min, max: max)
    }

    private func rule(_ node: Node, index: Int) throws -> FaultProfile.Rule {
        let place = "rules[\(index)]"
        let fields = try mapping(
            node, place, keys: ["match", "transient", "throttle", "retry_after", "lost_response", "permanent"]
        )
        var rule = FaultProfile.Rule()
        if let matchNode = fields["match"] { rule.match = try match(matchNode, "\(place).match") }
        rule.transient = try fields["transient"].map { try probability($0, "\(place).transient") } ?? 0
        rule.throttle = try fields["throttle"].map { try probability($0, "\(place).throttle") } ?? 0
        rule.lostResponse = try fields["lost_response"].map { try probability($0, "\(place).lost_response") } ?? 0
        if let retryAfter = fields["retry_after"] { rule.retryAfter = try duration(retryAfter, "\(place).retry_after") }
        if let permanent = fields["permanent"] {
            guard let value = permanent.bool else {
                throw error(permanent, "\(place).permanent must be true or false")
            }
            rule.permanent = value
        }
        let total = rule.transient + rule.throttle + rule.lostResponse
        guard total <= 1 + 1e-9 else {
            throw error(
                node, "\(place): transient + throttle + lost_response add up to \(total); they must add up to at most 1"
            )
        }
        return rule
    }

    private func match(_ node: Node, _ place: String) throws -> FaultProfile.Match {
        let fields = try mapping(node, place, keys: ["type", "operation", "address"])
        var match = FaultProfile.Match()
        if let typeNode = fields["type"] {
            let type = try string(typeNode, "\(place).type")
            guard SimType(rawValue: type) != nil else {
                let known = SimType.allCases.map(\.rawValue).joined(separator: ", ")
                throw error(typeNode, "\(place).type '\(type)' is not a simulated type; expected one of \(known)")
            }
            match.type = type
        }
        if let operationNode = fields["operation"] {
            let name = try string(operationNode, "\(place).operation")
            guard let operation = FaultProfile.Operation(rawValue: name) else {
                let known = FaultProfile.Operation.allCases.map(\.rawValue).joined(separator: ", ")
                throw error(operationNode, "\(place).operation '\(name)' is not an operation; expected one of \(known)")
            }
            match.operation = operation
        }
        if let addressNode = fields["address"] { match.address = try string(addressNode, "\(place).address") }
        return match
    }

    // MARK: - Nodes

    private func mapping(_ node: Node, _ place: String, keys allowed: [String]) throws -> [String: Node] {
        guard let mapping = node.mapping else {
            throw error(node, "\(place) must be a map with the keys \(allowed.joined(separator: ", "))")
        }
        var fields: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw error(keyNode, "keys in \(place) must be plain words") }
            guard allowed.contains(key) else {
                throw error(
                    keyNode, "unknown key '\(key)' in \(place); expected one of \(allowed.joined(separator: ", "))")
            }
            guard fields[key] == nil else { throw error(keyNode, "'\(key)' appears twice in \(place)") }
            fields[key] = value
        }
        return fields
    }

    private func sequence(_ node: Node, _ place: String) throws -> [Node] {
        guard let sequence = node.sequence else { throw error(node, "\(place) must be a list") }
        return Array(sequence)
    }

    private func required(_ fields: [String: Node], _ key: String, in node: Node, _ place: String) throws -> Node {
        guard let value = fields[key] else { throw error(node, "\(place) needs '\(key)'") }
        return value
    }

    private func string(_ node: Node, _ place: String) throws -> String {
        guard let text = node.scalar?.string, !text.isEmpty else { throw error(node, "\(place) must be a word") }
        return text
    }

    private func duration(_ node: Node, _ place: String) throws -> Duration {
        guard let text = node.scalar?.string, let value = Duration(parsing: text) else {
            let shown = node.scalar.map { "'\($0.string)'" } ?? "this"
            throw error(
                node, "\(place): \(shown) is not a duration; write a number with a unit, such as 300ms, 2s or 1m")
        }
        return value
    }

    private func probability(_ node: Node, _ place: String) throws -> Double {
        guard let text = node.scalar?.string, let value = Double(text), (0...1).contains(value) else {
            let shown = node.scalar.map { "'\($0.string)'" } ?? "this"
            throw error(node, "\(place): \(shown) is not a probability; write a number from 0 to 1, such as 0.1")
        }
        return value
    }

    private func error(_ node: Node, _ message: String) -> FaultProfile.LoadError {
        FaultProfile.LoadError(source: source, line: node.mark?.line, column: node.mark?.column, message: message)
    }
}
