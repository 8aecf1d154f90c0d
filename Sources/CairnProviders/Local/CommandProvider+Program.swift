import Cairn
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension CommandProvider {
    /// The process to start for one call: the resolved program, its arguments, its
    /// environment and the request on stdin.
    func invocation(for call: Call) throws(ProviderError) -> Subprocess.Invocation {
        guard let program = call.properties["program"]?.stringValue, !program.isEmpty else {
            throw ProviderError(
                .invalid, "program is required: give the path of the executable, such as \"./provider.sh\"")
        }
        let arguments = try strings(call.properties["args"], property: "args")
        let declaredEnvironment = try environment(call.properties["env"])
        let environment = inherited.merging(declaredEnvironment) { _, declared in declared }
        let executable = try resolve(program, searchPath: environment["PATH"] ?? "/usr/bin:/bin")
        return Subprocess.Invocation(
            executable: executable, arguments: arguments, environment: environment,
            workingDirectory: LocalFileSystem.absolute(".", base: baseDirectory), input: call.requestJSON)
    }

    /// The absolute path of `program`: one with a `/` resolves against the base directory,
    /// a bare name is looked up in `searchPath`. Throws `invalid` when there is no such
    /// executable file.
    func resolve(_ program: String, searchPath: String) throws(ProviderError) -> String {
        if program.contains("/") {
            let path = LocalFileSystem.absolute(program, base: baseDirectory)
            let relation =
                program.hasPrefix("/") ? "" : " relative to \(LocalFileSystem.absolute(".", base: baseDirectory))"
            guard let status = try? LocalFileSystem.status(path), status.kind != .directory else {
                throw ProviderError(.invalid, "program \(program) not found\(relation) (looked for \(path))")
            }
            guard access(path, X_OK) == 0 else {
                throw ProviderError(.invalid, "program \(program) is not executable; make it so with: chmod +x \(path)")
            }
            return path
        }
        for folder in searchPath.split(separator: ":") where folder.hasPrefix("/") {
            let path = "\(folder)/\(program)"
            if let status = try? LocalFileSystem.status(path), status.kind == .regular, access(path, X_OK) == 0 {
                return path
            }
        }
        throw ProviderError(
            .invalid,
            "program \(program) not found in PATH (\(searchPath)); "
                + "give its path instead, such as ./\(program) for a program beside the spec")
    }

    private func strings(_ value: Value?, property: String) throws(ProviderError) -> [String] {
        guard let value, value != .null else { return [] }
        guard let list = value.listValue else {
            throw ProviderError(.invalid, "\(property) must be a list of strings; found a \(value.kindName)")
        }
        var result: [String] = []
        for (index, element) in list.enumerated() {
            result.append(try scalar(element, at: "\(property)[\(index)]"))
        }
        return result
    }

    private func environment(_ value: Value?) throws(ProviderError) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard let map = value.mapValue else {
            throw ProviderError(.invalid, "env must be a map of names to strings; found a \(value.kindName)")
        }
        var result: [String: String] = [:]
        for (name, element) in map {
            guard !name.isEmpty, !name.contains("="), !name.contains("\0") else {
                throw ProviderError(.invalid, "env has an invalid variable name \"\(name)\"")
            }
            result[name] = try scalar(element, at: "env.\(name)")
        }
        return result
    }

    /// A string, number or boolean as text; anything else is `invalid`.
    private func scalar(_ value: Value, at place: String) throws(ProviderError) -> String {
        switch value {
        case .string(let s) where !s.contains("\0"): return s
        case .int, .double, .bool: return value.interpolated
        default:
            throw ProviderError(.invalid, "\(place) must be a string; found a \(value.kindName)")
        }
    }
}
