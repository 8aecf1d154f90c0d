import Cairn
import Foundation

/// The `file` resource type: a text file on the local disk.
///
/// Properties: `path` (required; relative paths resolve against the provider's base
/// directory), `content` (required, a string) and `mode` (an octal string such as `"0644"`).
/// Outputs: `path` (absolute, also the id) and `sha256` (hex digest of the content).
///
/// Writes are atomic: a temporary file beside the target is written, flushed with fsync,
/// given its mode, renamed over the target, and the folder is flushed, so a crash leaves
/// the old file or the new one and never a torn one. A create or update that finds the
/// declared content and mode already on disk writes nothing at all (the file keeps its
/// inode and modification time). An undeclared `mode` means `0644` for a new file and keeps
/// an existing file's mode. Missing parent folders are created (`0755`), so a file can be
/// declared on its own. Deleting a missing file succeeds.
public struct FileProvider: Provider {
    /// The resource type this provider serves.
    public static let type = "file"
    /// The mode of a new file whose `mode` is not declared.
    public static let defaultMode = "0644"

    /// The schema of `file` resources.
    public static let schema = ResourceSchema(
        type: type,
        properties: [
            PropertySchema("path", .string, required: true, replaceOnChange: true, format: .absoluteOrRelativePath),
            PropertySchema("content", .string, required: true),
            PropertySchema("mode", .string, format: .fileMode),
        ],
        outputs: ["path", "sha256"]
    )

    /// The folder that relative paths are resolved against (normally the spec's folder).
    public let baseDirectory: URL

    /// A provider resolving relative paths against `baseDirectory`.
    public init(baseDirectory: URL) {
        self.baseDirectory = baseDirectory
    }

    /// `[FileProvider.schema]`.
    public var schemas: [ResourceSchema] { [Self.schema] }

    /// The file's current content and mode; nil when there is no file (or a folder is there).
    public func read(_ request: ReadRequest) async throws -> ResourceSnapshot? {
        let path = try LocalPaths.target(id: request.id, properties: request.properties, base: baseDirectory)
        guard let status = try LocalFileSystem.status(path), status.kind == .regular else { return nil }
        let data = try LocalFileSystem.contents(of: path)
        return snapshot(path: path, data: data, mode: status.mode, declared: request.properties)
    }

    /// Writes the file unless it already holds the declared content and mode.
    public func create(_ request: CreateRequest) async throws -> ResourceSnapshot {
        try converge(request.properties)
    }

    /// Rewrites the file when its content differs, or only sets its mode when just that differs.
    public func update(_ request: UpdateRequest) async throws -> ResourceSnapshot {
        try converge(request.properties)
    }

    /// Removes the file; a missing file is fine, a folder in its place is a `conflict`.
    public func delete(_ request: DeleteRequest) async throws {
        let path = try LocalPaths.target(id: request.id, properties: request.properties, base: baseDirectory)
        try LocalFileSystem.removeFile(path)
    }

    /// The file at the declared path when it already holds the declared content and mode,
    /// else nil: a local file has no place to keep a key, so it is found by what it is.
    public func find(_ request: FindRequest) async throws -> ResourceSnapshot? {
        guard request.properties["path"] != nil else { return nil }
        let path = LocalFileSystem.absolute(try LocalPaths.declaredPath(in: request.properties), base: baseDirectory)
        let content = try Self.declaredContent(in: request.properties)
        guard let status = try LocalFileSystem.status(path), status.kind == .regular else { return nil }
        if let mode = try FileMode.declared(in: request.properties), mode != status.mode { return nil }
        let data = try LocalFileSystem.contents(of: path)
        guard data == content else { return nil }
        return snapshot(path: path, data: data, mode: status.mode, declared: request.properties)
    }

    private func converge(_ properties: [String: Value]) throws -> ResourceSnapshot {
        let path = LocalFileSystem.absolute(try LocalPaths.declaredPath(in: properties), base: baseDirectory)
        let content = try Self.declaredContent(in: properties)
        let declaredMode = try FileMode.declared(in: properties)
        var mode = declaredMode ?? FileMode(Self.defaultMode)!
        if let status = try LocalFileSystem.status(path) {
            switch status.kind {
            case .directory:
                throw ProviderError(
                    .conflict,
                    "cannot write file \(path): a directory is in its place; move it away or choose another path")
            case .other:
                throw ProviderError(
                    .conflict, "cannot write file \(path): something that is not a regular file is in its place")
            case .regular:
                if try LocalFileSystem.contents(of: path) == content {
                    if let declaredMode, declaredMode != status.mode { try LocalFileSystem.setMode(path, declaredMode) }
                    return snapshot(path: path, data: content, mode: declaredMode ?? status.mode, declared: properties)
                }
                if declaredMode == nil { mode = status.mode }
            }
        } else {
            try LocalFileSystem.makeDirectory(LocalFileSystem.parent(of: path), mode: FileMode(bits: 0o755))
        }
        try LocalFileSystem.writeAtomically(content, to: path, mode: mode)
        return snapshot(path: path, data: content, mode: mode, declared: properties)
    }

    /// The declared `content` as UTF-8 bytes; throws when it is missing or not a string.
    private static func declaredContent(in properties: [String: Value]) throws(ProviderError) -> Data {
        guard let value = properties["content"] else {
            throw ProviderError(.invalid, "content is required: give the text the file must hold (\"\" for empty)")
        }
        guard let text = value.stringValue else {
            throw ProviderError(.invalid, "content must be a string; found a \(value.kindName)")
        }
        return Data(text.utf8)
    }

    /// Properties in the spec's vocabulary: the path as declared, the mode only when declared.
    private func snapshot(path: String, data: Data, mode: FileMode, declared: [String: Value]) -> ResourceSnapshot {
        var properties: [String: Value] = [
            "path": declared["path"] ?? .string(path),
            "content": .string(String(decoding: data, as: UTF8.self)),
        ]
        if let declaredMode = declared["mode"], declaredMode != .null {
            properties["mode"] = .string(mode.text(matching: declaredMode))
        }
        return ResourceSnapshot(
            id: path, properties: properties,
            outputs: ["path": .string(path), "sha256": .string(Digest.sha256Hex(data))])
    }
}
