import Cairn
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX calls the local providers make, with errors mapped to ``ProviderError``s that
/// name the path and the failed action.
enum LocalFileSystem {
    /// What is at a path.
    struct Status: Sendable {
        enum Kind: Sendable { case directory, regular, other }
        var kind: Kind
        var mode: FileMode
        var inode: UInt64
    }

    /// `path` made absolute against `base` and normalised lexically (`.` and `..` removed).
    static func absolute(_ path: String, base: URL) -> String {
        let joined = path.hasPrefix("/") ? path : base.path + "/" + path
        var parts: [Substring] = []
        for component in joined.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(component)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The folder that holds `path` (an absolute, normalised path).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// What is at `path` (following symbolic links); nil when nothing is.
    static func status(_ path: String) throws(ProviderError) -> Status? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw failure("inspect", path, code)
        }
        let type = info.st_mode & S_IFMT
        let kind: Status.Kind = type == S_IFDIR ? .directory : type == S_IFREG ? .regular : .other
        return Status(kind: kind, mode: FileMode(bits: info.st_mode), inode: UInt64(info.st_ino))
    }

    /// Creates `path` and any missing parents; parents get `0755` (less the umask), `path`
    /// itself gets exactly `mode`. Returns whether `path` was created.
    @discardableResult
    static func makeDirectory(_ path: String, mode: FileMode) throws(ProviderError) -> Bool {
        let created = try makeDirectories(path)
        if created { try setMode(path, mode) }
        return created
    }

    private static func makeDirectories(_ path: String) throws(ProviderError) -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        var code = errno
        if code == ENOENT, path != "/" {
            _ = try makeDirectories(parent(of: path))
            if mkdir(path, 0o755) == 0 { return true }
            code = errno
        }
        if code == EEXIST {
            if try status(path)?.kind == .directory { return false }
            throw ProviderError(
                .conflict,
                "cannot create directory \(path): something that is not a directory is already there; "
                    + "move it away or choose another path")
        }
        throw failure("create directory", path, code)
    }

    /// Sets the permission bits of `path` exactly, whatever the umask.
    static func setMode(_ path: String, _ mode: FileMode) throws(ProviderError) {
        guard chmod(path, mode.bits) == 0 else { throw failure("set the mode of", path, errno) }
    }

    /// Removes an empty directory; a missing one is fine, a non-empty one is a conflict.
    static func removeDirectory(_ path: String) throws(ProviderError) {
        guard rmdir(path) != 0 else { return }
        let code = errno
        switch code {
        case ENOENT: return
        case ENOTEMPTY, EEXIST:
            throw ProviderError(
                .conflict,
                "directory \(path) is not empty, so it was not deleted; remove its contents first, "
                    + "or declare them as resources that depend on it so that Cairn deletes them before it")
        case ENOTDIR:
            throw ProviderError(.conflict, "\(path) is not a directory, so it was not deleted; check what is there")
        default: throw failure("delete directory", path, code)
        }
    }

    /// Removes a file; a missing one is fine, a directory in its place is a conflict.
    static func removeFile(_ path: String) throws(ProviderError) {
        guard unlink(path) != 0 else { return }
        let code = errno
        if code == ENOENT || code == ENOTDIR { return }
        if try status(path)?.kind == .directory {
            throw ProviderError(.conflict, "\(path) is a directory, not a file, so it was not deleted")
        }
        throw failure("delete", path, code)
    }

    /// The bytes of the file at `path`.
    static func contents(of path: String) throws(ProviderError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("read", path, errno) }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[..<count])
            } else if count == 0 {
                return data
            } else if errno != EINTR {
                throw failure("read", path, errno)
            }
        }
    }

    /// Replaces the file at `path` with `data` so that readers see the old file or the new
    /// one, never a mix: write a temporary file beside it, fsync, set the mode, rename it over
    /// the old one, then fsync the folder so that the rename survives a crash.
    static func writeAtomically(_ data: Data, to path: String, mode: FileMode) throws(ProviderError) {
        let folder = parent(of: path)
        let name = String(path[path.index(after: path.lastIndex(of: "/")!)...].prefix(64))
        var template = Array("\(folder)/.\(name).cairn-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure("create a temporary file in", folder, errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            try writeAll(data, to: fd, path: temporary)
            guard fchmod(fd, mode.bits) == 0 else { throw failure("set the mode of", temporary, errno) }
            guard fsync(fd) == 0 else { throw failure("flush", temporary, errno) }
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            if code == EISDIR || code == ENOTEMPTY || code == EEXIST {
                throw ProviderError(.conflict, "cannot write \(path): a directory is in its place")
            }
            throw failure("replace", path, code)
        }
        renamed = true
        try syncDirectory(folder)
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws(ProviderError) {
        var offset = 0
        while offset < data.count {
            let count = data.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count >= 0 {
                offset += count
            } else if errno != EINTR {
                throw failure("write", path, errno)
            }
        }
    }

    /// Flushes a folder's entries (a rename in it) to disk.
    static func syncDirectory(_ path: String) throws(ProviderError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open folder", path, errno) }
        defer { close(fd) }
        // Some file systems cannot fsync a folder (EINVAL); the rename is then as durable as they allow.
        guard fsync(fd) == 0 || errno == EINVAL else { throw failure("flush folder", path, errno) }
    }

    /// A provider error for a failed POSIX call, classified by its errno.
    static func failure(_ action: String, _ path: String, _ code: Int32) -> ProviderError {
        var message = "cannot \(action) \(path): \(String(cString: strerror(code)))"
        switch code {
        case EACCES, EPERM: message += "; check the permissions of the path and its parent folders"
        case ENOSPC, EDQUOT: message += "; free some space and retry"
        case EROFS: message += "; the file system is read-only"
        default: break
        }
        return ProviderError.posix(code, message: message)
    }
}
