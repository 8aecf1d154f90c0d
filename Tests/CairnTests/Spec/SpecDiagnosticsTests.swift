import Cairn
import Testing

/// One kind of bad input: the spec, what the problem's summary says, and where it points.
struct DiagnosticCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var summary: String
    /// `line:column` of the diagnostic.
    var at: String
    var variables: [String: String] = [:]
    var flags: [String: String] = [:]
    var environment: [String: String] = [:]

    var testDescription: String { name }
}

/// Invariant 10: bad input gets a clear error that says what and where (file:line:column).
@Suite("Spec diagnostics")
struct SpecDiagnosticsTests {
    @Test("each problem is reported with its position", arguments: cases)
    func reportsProblemWithPosition(_ example: DiagnosticCase) throws {
        let loader = SpecLoader.fixture(
            variables: example.variables, flags: example.flags, environment: example.environment)
        let items = loader.diagnostics(for: example.yaml)
        let match = items.first { $0.summary.contains(example.summary) }
        let found = try #require(match, "no diagnostic says \"\(example.summary)\"; got:\n\(Diagnostics(items))")
        let location = try #require(found.location)
        #expect(location.file == "cairn.yaml")
        #expect("\(location.line):\(location.column)" == example.at, "\(found)")
        #expect(found.severity == .error)
    }

    @Test("a typo gets a suggestion")
    func suggestsCloseNames() {
        let items = SpecLoader.fixture().diagnostics(
            for: """
                stack: demo
                resources:
                  net:
                    type: test.netwrok
                """)
        let detail = items.first { $0.summary.contains("unknown resource type") }?.detail ?? ""
        #expect(detail.contains("Did you mean `test.net`?"))
        #expect(detail.contains("Known types: test.cdn, test.file, test.net, test.secret, test.subnet, test.vm."))
    }

    @Test("the message reads as file:line:column: what. how to fix")
    func cycleMessageReadsWell() throws {
        let items = SpecLoader.fixture().diagnostics(
            for: """
                stack: demo
                resources:
                  subnet:
                    type: test.subnet
                    properties: {network_id: "${vm.id}", cidr: 10.0.1.0/24}
                  vm:
                    type: test.vm
                    properties: {subnet_id: "${subnet.id}", image: debian-12}
                """)
        #expect(
            items.map(\.description) == [
                "cairn.yaml:3:3: reference cycle: subnet -> vm -> subnet. Each reads the other's outputs; "
                    + "remove one reference or a depends_on."
            ])
    }

    @Test("every problem is reported at once, in file order")
    func reportsAllProblems() throws {
        let items = SpecLoader.fixture().diagnostics(
            for: """
                stack: Demo
                resources:
                  net:
                    type: test.net
                    properties: {cidr: 10.0.0.0/33, colour: red}
                  subnet:
                    type: test.subnett
                  vm:
                    type: test.vm
                    properties: {subnet_id: "${subnet.idd}", image: debian-12}
                    depends_on: [nett]
                """)
        #expect(items.count == 5, "\(Diagnostics(items))")
        let summaries = items.map(\.summary)
        try #require(summaries.count == 5)
        #expect(summaries[0].contains("stack name `Demo`"))
        #expect(summaries[1].contains("expected an IPv4 CIDR block"))
        #expect(summaries[2].contains("unknown property `colour`"))
        #expect(summaries[3].contains("unknown resource type `test.subnett`"))
        #expect(summaries[4].contains("depends on `nett`"))
        let lines = items.compactMap { $0.location?.line }
        #expect(lines == lines.sorted())
    }

    @Test("a sensitive value never appears in a message")
    func sensitiveValuesStayOut() {
        let items = SpecLoader.fixture(variables: ["token": "hunter2"]).diagnostics(
            for: """
                stack: demo
                variables:
                  token: {default: 1, sensitive: true}
                resources:
                  s:
                    type: test.secret
                    properties: {value: 42}
                """)
        #expect(!items.isEmpty)
        #expect(!Diagnostics(items).description.contains("hunter2"))
        #expect(!Diagnostics(items).description.contains("42"))
    }
}
