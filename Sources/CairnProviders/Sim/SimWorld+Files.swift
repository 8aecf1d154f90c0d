import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SimWorld {
    /// Creates the missing parent folders (mode 0700) and the file (mode 0600) before SQLite
    /// opens it, so that neither depends on the umask. An existing file is left as it is.
    static func prepareFile(at path: String) throws {
        let url = URL(fileURLWithPath: path)
        try makeDirectories(url.deletingLastPathComponent().path)
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        let descriptor = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SimWorldError("cannot create the simulated world file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw SimWorldError("cannot set mode 0600 on \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func makeDirectories(_ path: String) throws {
        var missing: [String] = []
        var current = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: current.path, isDirectory: &isDirectory) {
            missing.append(current.path)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        if FileManager.default.fileExists(atPath: current.path), !isDirectory.boolValue {
            throw SimWorldError("cannot create the simulated world under \(current.path): it is a file, not a folder")
        }
        for folder in missing.reversed() {
            if mkdir(folder, 0o700) != 0 && errno != EEXIST {
                throw SimWorldError("cannot create the folder \(folder): \(String(cString: strerror(errno)))")
            }
            guard chmod(folder, 0o700) == 0 else {
                throw SimWorldError("cannot set mode 0700 on \(folder): \(String(cString: strerror(errno)))")
            }
        }
    }
}
