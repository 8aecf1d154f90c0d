import Foundation
import Yams

/// Reads a spec (YAML, or JSON, which is the same tree) into a validated ``Stack``.
///
/// Loading refuses hostile documents before parsing them (size, nesting, aliases), then checks
/// the whole spec and reports every problem at once as ``Diagnostics``, each with
/// `file:line:column`: unknown keys (with "did you mean"), bad names, properties that do not
/// fit the provider's schema, references to resources or attributes that do not exist, bad
/// `when:` conditions, variables without a value, and dependency cycles.
///
/// Variables (`${var.x}`) and flags (`${flag.x}`) are substituted at load time; resources
/// whose `when:` is false are left out; references to other resources' outputs
/// (`${net.id}`) stay in the properties, to be resolved during a run.
public struct SpecLoader: Sendable {
    /// How much a document may cost to read. The defaults fit any hand-written spec.
    public struct Limits: Sendable, Hashable {
        /// The largest document accepted, in bytes (4 MiB).
        public var maxBytes: Int
        /// The deepest nesting of lists and maps accepted (64).
        public var maxDepth: Int
        /// The most aliases (`*name`), and the most anchors (`&name`), accepted (100).
        public var maxAliases: Int
        /// The most nodes accepted once aliases are expanded (200,000).
        public var maxNodes: Int

        /// Limits with the given values (each defaults to the documented one).
        public init(maxBytes: Int = 4 << 20, maxDepth: Int = 64, maxAliases: Int = 100, maxNodes: Int = 200_000) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxAliases = maxAliases
            self.maxNodes = maxNodes
        }
    }

    /// Per-load settings: values from the command line and the environment.
    public struct Options: Sendable {
        /// Variable values from `--var NAME=VALUE`; they win over the environment and defaults.
        public var variables: [String: String]
        /// Flag values from `--flag NAME=VALUE` (`true`/`false`/`1`/`0`/`yes`/`no`); they win
        /// over the environment and defaults.
        public var flags: [String: String]
        /// Where `CAIRN_VAR_NAME` and `CAIRN_FLAG_NAME` are read from (the name upper-cased,
        /// `-` as `_`). Defaults to the process environment; tests pass their own.
        public var environment: [String: String]
        /// How much a document may cost to read.
        public var limits: Limits
        /// Flag values from `--flags-file`: they lose to `--flag` and win over the environment
        /// and defaults.
        public var flagsFile: FlagFile?

        /// Options with values from the command line, the environment and limits.
        public init(
            variables: [String: String] = [:], flags: [String: String] = [:],
            environment: [String: String] = ProcessInfo.processInfo.environment, limits: Limits = Limits(),
            flagsFile: FlagFile? = nil
        ) {
            self.variables = variables
            self.flags = flags
            self.environment = environment
            self.limits = limits
            self.flagsFile = flagsFile
        }
    }

    /// The providers whose schemas properties are checked against.
    public var registry: ProviderRegistry
    /// Values from the command line and the environment, and the limits.
    public var options: Options

    /// A loader that checks specs against `registry`'s schemas.
    public init(registry: ProviderRegistry, options: Options = .init()) {
        self.registry = registry
        self.options = options
    }

    /// Reads and validates the spec in `file` (a regular file, or a stream such as
    /// `/dev/stdin`). Messages name the file as `file.relativePath`.
    ///
    /// - Throws: ``Diagnostics`` holding every problem found (unreadable file included).
    public func load(file: URL) throws -> Stack {
        let name = file.relativePath
        let handle: FileHandle
        do {
            if let size = try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int,
                size > options.limits.maxBytes
            {
                throw Diagnostics([Self.oversize(size, limits: options.limits, file: name)])
            }
            handle = try FileHandle(forReadingFrom: file)
        } catch let diagnostics as Diagnostics {
            throw diagnostics
        } catch {
            throw Diagnostics([
                Diagnostic(
                    .error, "cannot read \(name): \(Self.reason(error))",
                    detail: "Pass the spec with -f FILE, or run the command in the folder that holds it.",
                    at: SourceLocation(file: name))
            ])
        }
        defer { try? handle.close() }
        return try load(handle: handle, fileName: name)
    }

    /// Reads a spec from `handle` to its end (standard input, say) and validates it;
    /// `fileName` names it in messages. Reads at most one byte more than the size limit.
    ///
    /// - Throws: ``Diagnostics`` holding every problem found (a failed read included).
    public func load(handle: FileHandle, fileName: String) throws -> Stack {
        let data: Data
        do {
            data = try handle.read(upToCount: options.limits.maxBytes + 1) ?? Data()
        } catch {
            throw Diagnostics([
                Diagnostic(.error, "cannot read \(fileName): \(Self.reason(error))", at: SourceLocation(file: fileName))
            ])
        }
        if data.count > options.limits.maxBytes {
            throw Diagnostics([Self.oversize(nil, limits: options.limits, file: fileName)])
        }
        return try load(text: SpecGuard(limits: options.limits, file: fileName).text(from: data), fileName: fileName)
    }

    /// Reads and validates a spec held in memory; `fileName` is used in messages (and its
    /// extension, with the text's first character, to call syntax errors JSON or YAML ones).
    ///
    /// - Throws: ``Diagnostics`` holding every problem found.
    public func load(text: String, fileName: String) throws -> Stack {
        let guardrail = SpecGuard(limits: options.limits, file: fileName)
        try guardrail.check(text)
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw Diagnostics([yamlDiagnostic(error, text: text, fileName: fileName)])
        }
        guard let root else {
            throw Diagnostics([
                Diagnostic(
                    .error, "the spec is empty",
                    detail: "A spec needs at least `stack: NAME` and `resources:`.",
                    at: SourceLocation(file: fileName, line: 1, column: 1))
            ])
        }
        switch SpecNode.expansion(of: root, maxNodes: options.limits.maxNodes, maxDepth: options.limits.maxDepth) {
        case .fits:
            break
        case .tooManyNodes:
            throw Diagnostics([
                Diagnostic(
                    .error,
                    "document expands to more than \(options.limits.maxNodes) values once its aliases are expanded",
                    detail: "YAML aliases (*name) copy what an anchor (&name) marks; nested, they multiply. "
                        + "Write the values out, or use fewer aliases.",
                    at: SourceLocation(file: fileName, line: 1, column: 1))
            ])
        case .tooDeep:
            throw Diagnostics([
                Diagnostic(
                    .error,
                    "document nests deeper than \(options.limits.maxDepth) levels once its aliases are expanded",
                    detail: "Specs need only a few levels; flatten the structure or use fewer aliases.",
                    at: SourceLocation(file: fileName, line: 1, column: 1))
            ])
        }
        var diagnostics = Diagnostics()
        let node = SpecNode(yaml: root, file: fileName, diagnostics: &diagnostics)
        try diagnostics.throwIfErrors()
        let document = SpecDocument(node, diagnostics: &diagnostics)
        let stack = compile(document, fileName: fileName, diagnostics: &diagnostics)
        diagnostics.items = Self.sorted(diagnostics.items)
        try diagnostics.throwIfErrors()
        return stack
    }

    /// The error for a document of `size` bytes (nil: a stream that went on past the limit).
    static func oversize(_ size: Int?, limits: Limits, file: String) -> Diagnostic {
        let most = SpecGuard.size(limits.maxBytes)
        return Diagnostic(
            .error,
            size.map { "the document is \(SpecGuard.size($0)); at most \(most) is allowed" }
                ?? "the document is larger than \(most), the most allowed",
            detail: "A spec this large is almost certainly not hand-written; split the stack into smaller ones.",
            at: SourceLocation(file: file, line: 1, column: 1))
    }

    /// Diagnostics in the order of the file (those without a line first), stable otherwise.
    static func sorted(_ items: [Diagnostic]) -> [Diagnostic] {
        items.enumerated().sorted { a, b in
            let l = a.element.location.map { ($0.line, $0.column) } ?? (0, 0)
            let r = b.element.location.map { ($0.line, $0.column) } ?? (0, 0)
            if l != r { return l < r }
            return a.offset < b.offset
        }.map(\.element)
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code))).lowercased()
        }
        return ns.localizedDescription
    }
}
