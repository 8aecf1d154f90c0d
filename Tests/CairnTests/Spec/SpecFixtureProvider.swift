import Cairn

/// A provider that only declares schemas: enough for the spec loader, which never calls it.
struct SpecFixtureProvider: Provider {
    var schemas: [ResourceSchema] = [
        ResourceSchema(
            type: "test.net",
            properties: [
                PropertySchema("cidr", .string, required: true, replaceOnChange: true, format: .cidr),
                PropertySchema("region", .string),
                PropertySchema("name", .string, format: .name),
            ],
            outputs: ["id"]),
        ResourceSchema(
            type: "test.subnet",
            properties: [
                PropertySchema("network_id", .string, required: true),
                PropertySchema("cidr", .string, required: true, format: .cidr),
                PropertySchema("zone", .string),
            ],
            outputs: ["id"]),
        ResourceSchema(
            type: "test.vm",
            properties: [
                PropertySchema("subnet_id", .string, required: true),
                PropertySchema("image", .string, required: true),
                PropertySchema("size", .string, format: .oneOf(["small", "medium", "large"])),
                PropertySchema("count", .integer, format: .positive),
                PropertySchema("tags", .map),
                PropertySchema("ports", .list),
            ],
            outputs: ["id", "address", "private_ip"]),
        ResourceSchema(
            type: "test.file",
            properties: [
                PropertySchema("path", .string, required: true, format: .absoluteOrRelativePath),
                PropertySchema("content", .string, required: true),
                PropertySchema("mode", .string, format: .fileMode),
            ],
            outputs: ["path", "sha256"]),
        ResourceSchema(
            type: "test.cdn", properties: [PropertySchema("origin", .string, required: true)],
            outputs: ["id", "domain"]),
        ResourceSchema(
            type: "test.secret", properties: [PropertySchema("value", .string, required: true, sensitive: true)],
            outputs: ["id"]),
    ]

    func read(_ request: ReadRequest) async throws -> ResourceSnapshot? { nil }
    func create(_ request: CreateRequest) async throws -> ResourceSnapshot {
        throw ProviderError(.permanent, "the spec fixture provider creates nothing")
    }
    func update(_ request: UpdateRequest) async throws -> ResourceSnapshot {
        throw ProviderError(.permanent, "the spec fixture provider updates nothing")
    }
    func delete(_ request: DeleteRequest) async throws {}
    func find(_ request: FindRequest) async throws -> ResourceSnapshot? { nil }
}

extension SpecLoader {
    /// A loader over the fixture provider, with an empty environment unless one is given.
    static func fixture(
        variables: [String: String] = [:], flags: [String: String] = [:], environment: [String: String] = [:],
        limits: Limits = Limits()
    ) -> SpecLoader {
        SpecLoader(
            registry: ProviderRegistry([SpecFixtureProvider()]),
            options: Options(variables: variables, flags: flags, environment: environment, limits: limits))
    }

    /// The diagnostics that loading `text` throws (empty when it loads).
    func diagnostics(for text: String, fileName: String = "cairn.yaml") -> [Diagnostic] {
        do {
            _ = try load(text: text, fileName: fileName)
            return []
        } catch let diagnostics as Diagnostics {
            return diagnostics.items
        } catch {
            return [Diagnostic(.error, "unexpected error type: \(error)")]
        }
    }
}
