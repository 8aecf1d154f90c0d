import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SQLiteStore {
    /// Creates the missing folders of `path` (mode 0700) and the database file itself (mode
    /// 0600), whatever the umask. Returns whether the file was created.
    static func prepareFiles(path: String) throws -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try createFolders(folder, for: path) }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST { return false }
            throw cannotCreate(path, what: "file", errno: code)
        }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw cannotCreate(path, what: "file", errno: errno) }
        return true
    }

    /// Creates each missing folder from the outermost in, each with mode 0700.
    private static func createFolders(_ folder: String, for path: String) throws {
        var missing: [String] = []
        var current = folder
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for dir in missing.reversed() {
            if mkdir(dir, 0o700) != 0 {
                let code = errno
                if code == EEXIST { continue }  // another process made it meanwhile
                throw cannotCreate(dir, what: "folder", errno: code)
            }
            guard chmod(dir, 0o700) == 0 else { throw cannotCreate(dir, what: "folder", errno: errno) }
        }
    }

    /// SQLite gives `-wal` and `-shm` the database file's mode; this makes sure of it.
    static func restrictCompanionFiles(of path: String) throws {
        for companion in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: companion) {
            guard chmod(companion, 0o600) == 0 else { throw cannotCreate(companion, what: "file", errno: errno) }
        }
    }

    private static func cannotCreate(_ path: String, what: String, errno code: Int32) -> SQLiteStoreError {
        SQLiteStoreError(
            .cannotOpen, path: path,
            message: "cannot create the state database \(what) \(path): \(String(cString: strerror(code))). "
                + "Check that its folder exists or can be created, and that you may write there.")
    }
}
