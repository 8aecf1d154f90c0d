import Cairn
import Testing

@Suite("Verifier: declared against observed, with noise control")
struct VerifierTests {
    static let registry = ProviderRegistry([
        MemoryTypes(schemas: [
            ResourceSchema(
                type: "t.group",
                properties: [
                    PropertySchema("name", .string),
                    PropertySchema("rules", .list, normalizations: [.unorderedList]),
                    PropertySchema("ports", .list),
                    PropertySchema("ttl", .integer, normalizations: [.defaultValue(300)]),
                    PropertySchema("tags", .map),
                    PropertySchema("status", .string, serverManaged: true),
                    PropertySchema("secret", .string, sensitive: true),
                ], outputs: ["id"])
        ])
    ])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var declared: [String: Value]
        var actual: [String: Value]
        var ignore: [String] = []
        /// Expected differences as `path` (counted) or `path!` (ignored).
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "identical", declared: ["name": "a"], actual: ["name": "a"], expected: []),
        Case(name: "a changed string", declared: ["name": "a"], actual: ["name": "b"], expected: ["name"]),
        Case(
            name: "an unordered list in another order", declared: ["rules": [1, 2, 3]], actual: ["rules": [3, 1, 2]],
            expected: []),
        Case(
            name: "an unordered list with another element", declared: ["rules": [1, 2]], actual: ["rules": [1, 3]],
            expected: ["rules"]),
        Case(
            name: "an unordered list with a repeated element", declared: ["rules": [1, 2, 2]],
            actual: ["rules": [1, 1, 2]],
            expected: ["rules"]),
        Case(
            name: "an ordered list in another order", declared: ["ports": [1, 2]], actual: ["ports": [2, 1]],
            expected: ["ports[0]", "ports[1]"]),
        Case(name: "a default the server filled in", declared: [:], actual: ["ttl": 300], expected: []),
        Case(name: "a value other than the default", declared: [:], actual: ["ttl": 60], expected: ["ttl"]),
        Case(name: "null declared, absent in the world", declared: ["name": .null], actual: [:], expected: []),
        Case(name: "a property removed in the world", declared: ["name": "a"], actual: [:], expected: ["name"]),
        Case(name: "a schema property added in the world", declared: [:], actual: ["name": "x"], expected: ["name"]),
        Case(name: "an attribute beyond the schema", declared: [:], actual: ["arn": "x"], expected: []),
        Case(
            name: "a server-managed field", declared: ["status": "ok"], actual: ["status": "busy"],
            expected: ["status!"]),
        Case(
            name: "an ignored field", declared: ["tags": ["a": "1"]], actual: ["tags": ["a": "2", "b": "3"]],
            ignore: ["tags"], expected: ["tags.a!", "tags.b!"]),
        Case(
            name: "an ignored path inside a map", declared: ["tags": ["a": "1", "b": "1"]],
            actual: ["tags": ["a": "2", "b": "2"]], ignore: ["tags.a"], expected: ["tags.a!", "tags.b"]),
    ]

    @Test("differences", arguments: cases)
    func differences(_ c: Case) {
        let fields = Verifier(registry: Self.registry).differences(
            type: "t.group", expected: c.declared, actual: c.actual, ignore: c.ignore)
        #expect(fields.map { $0.path + ($0.ignored ? "!" : "") } == c.expected)
    }

    @Test("sensitive fields are flagged, by schema or by the resource")
    func sensitive() {
        let verifier = Verifier(registry: Self.registry)
        let fields = verifier.differences(
            type: "t.group", expected: ["secret": "a", "name": "x"], actual: ["secret": "b", "name": "y"],
            sensitive: ["name"])
        #expect(fields.map(\.sensitive) == [true, true])
    }

    @Test("a type whose schema lists no properties compares every property")
    func schemaless() {
        let verifier = Verifier(
            registry: ProviderRegistry([
                MemoryTypes(schemas: [
                    ResourceSchema(type: "t.any", properties: [], outputs: ["id"])
                ])
            ]))
        let fields = verifier.differences(type: "t.any", expected: [:], actual: ["extra": 1])
        #expect(fields.map(\.path) == ["extra"])
    }

    @Test("drift reports count ignored-only resources as in sync")
    func reportCounts() {
        let report = DriftReport(
            stack: "s", checked: 4,
            entries: [
                .init(address: "a", type: "t", id: "1", fields: [.init(path: "x", declared: 1, actual: 2)]),
                .init(
                    address: "b", type: "t", id: "2", fields: [.init(path: "x", declared: 1, actual: 2, ignored: true)]),
                .init(address: "c", type: "t", id: nil, missing: true),
            ])
        #expect(report.drifted.map(\.address) == ["a", "c"])
        #expect(report.ignoredOnly.map(\.address) == ["b"])
        #expect(report.inSync == 2)
        #expect(report.hasDrift)
        #expect(!DriftReport(stack: "s", checked: 1, entries: [report.entries[1]]).hasDrift)
    }
}

/// A provider that only declares schemas (for the pure verifier and the level tests).
struct MemoryTypes: Provider {
    var schemas: [ResourceSchema]
    func read(_ request: ReadRequest) async throws -> ResourceSnapshot? { nil }
    func create(_ request: CreateRequest) async throws -> ResourceSnapshot {
        throw ProviderError(.invalid, "schemas only")
    }
    func update(_ request: UpdateRequest) async throws -> ResourceSnapshot {
        throw ProviderError(.invalid, "schemas only")
    }
    func delete(_ request: DeleteRequest) async throws { throw ProviderError(.invalid, "schemas only") }
    func find(_ request: FindRequest) async throws -> ResourceSnapshot? { nil }
}
