import Cairn
import Foundation

/// The `directory` resource type: a folder on the local disk.
///
/// Properties: `path` (required; relative paths resolve against the provider's base
/// directory, the spec's folder) and `mode` (an octal string such as `"0755"`). Outputs:
/// `path`, the absolute path, which is also the resource's id.
///
/// A create makes missing parent folders too, and sets `mode` exactly (with `chmod`, so the
/// umask does not matter). An undeclared `mode` means `0755` for a new folder and leaves an
/// existing folder's mode alone. A delete removes the folder only when it is empty; otherwise
/// it fails with a `conflict` and leaves everything in place. Creates and updates converge on
/// what is declared, so repeating one with the same idempotency key is harmless.
public struct DirectoryProvider: Provider {
    /// The resource type this provider serves.
    public static let type = "directory"
    /// The mode of a folder whose `mode` is not declared.
    public static let defaultMode = "0755"

    /// The schema of `directory` resources.
    public static let schema = ResourceSchema(
        type: type,
        properties: [
            PropertySchema("path", .string, required: true, replaceOnChange: true, format: .absoluteOrRelativePath),
            PropertySchema("mode", .string, format: .fileMode),
        ],
        outputs: ["path"]
    )

    /// The folder that relative paths are resolved against (normally the spec's folder).
    public let baseDirectory: URL

    /// A provider resolving relative paths against `baseDirectory`.
    public init(baseDirectory: URL) {
        self.baseDirectory = baseDirectory
    }

    /// `[DirectoryProvider.schema]`.
    public var schemas: [ResourceSchema] { [Self.schema] }

    /// The folder at the resource's path; nil when there is none (or something else is there).
    public func read(_ request: ReadRequest) async throws -> ResourceSnapshot? {
        let path = try LocalPaths.target(id: request.id, properties: request.properties, base: baseDirectory)
        guard let status = try LocalFileSystem.status(path), status.kind == .directory else { return nil }
        return snapshot(path: path, status: status, declared: request.properties)
    }

    /// Creates the folder (and its parents) with the declared mode; an existing folder is kept.
    public func create(_ request: CreateRequest) async throws -> ResourceSnapshot {
        try converge(request.properties)
    }

    /// Sets the declared mode; re-creates the folder if it has gone.
    public func update(_ request: UpdateRequest) async throws -> ResourceSnapshot {
        try converge(request.properties)
    }

    /// Removes the folder when it is empty; throws a `conflict` when it is not.
    public func delete(_ request: DeleteRequest) async throws {
        let path = try LocalPaths.target(id: request.id, properties: request.properties, base: baseDirectory)
        try LocalFileSystem.removeDirectory(path)
    }

    /// The folder at the declared path when it exists with the declared mode, else nil: a
    /// local folder has no place to keep a key, so it is found by what it is.
    public func find(_ request: FindRequest) async throws -> ResourceSnapshot? {
        guard request.properties["path"] != nil else { return nil }
        let path = LocalFileSystem.absolute(try LocalPaths.declaredPath(in: request.properties), base: baseDirectory)
        guard let status = try LocalFileSystem.status(path), status.kind == .directory else { return nil }
        if let mode = try FileMode.declared(in: request.properties), mode != status.mode { return nil }
        return snapshot(path: path, status: status, declared: request.properties)
    }

    private func converge(_ properties: [String: Value]) throws -> ResourceSnapshot {
        let path = LocalFileSystem.absolute(try LocalPaths.declaredPath(in: properties), base: baseDirectory)
        let declaredMode = try FileMode.declared(in: properties)
        let created = try LocalFileSystem.makeDirectory(path, mode: declaredMode ?? FileMode(Self.defaultMode)!)
        if !created, let declaredMode, try LocalFileSystem.status(path)?.mode != declaredMode {
            try LocalFileSystem.setMode(path, declaredMode)
        }
        guard let status = try LocalFileSystem.status(path), status.kind == .directory else {
            throw ProviderError(.conflict, "directory \(path) disappeared while it was being created; retry")
        }
        return snapshot(path: path, status: status, declared: properties)
    }

    /// Properties in the spec's vocabulary: the path as declared, the mode only when declared.
    private func snapshot(path: String, status: LocalFileSystem.Status, declared: [String: Value]) -> ResourceSnapshot {
        var properties: [String: Value] = ["path": declared["path"] ?? .string(path)]
        if let mode = declared["mode"], mode != .null { properties["mode"] = .string(status.mode.text(matching: mode)) }
        return ResourceSnapshot(id: path, properties: properties, outputs: ["path": .string(path)])
    }
}
