import Cairn
import Foundation

/// How the local providers find the path a request is about.
enum LocalPaths {
    /// The declared `path` property; throws when it is missing or not a string.
    static func declaredPath(in properties: [String: Value]) throws(ProviderError) -> String {
        guard let value = properties["path"] else {
            throw ProviderError(.invalid, "path is required: say where the resource lives, such as \"out/app.conf\"")
        }
        guard let path = value.stringValue, !path.isEmpty, !path.contains("\0") else {
            throw ProviderError(.invalid, "path must be a non-empty string; found \(value.canonicalJSON)")
        }
        return path
    }

    /// The absolute path a read, update or delete is about: the resource's id (its absolute
    /// path) when known, otherwise the recorded `path` property resolved against `base`.
    static func target(id: String, properties: [String: Value], base: URL) throws(ProviderError) -> String {
        if id.hasPrefix("/") { return LocalFileSystem.absolute(id, base: base) }
        return LocalFileSystem.absolute(try declaredPath(in: properties), base: base)
    }
}
