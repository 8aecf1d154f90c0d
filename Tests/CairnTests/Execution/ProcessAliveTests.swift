import Cairn
import Foundation
import Testing

@Suite("Whether a lease holder's process is alive")
struct ProcessAliveTests {
    @Test(
        "this process is alive; an exited child that is not reaped yet (a zombie) is not, nor is a reaped one",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/stat"), "needs Linux's /proc"))
    func zombieIsGone() async throws {
        #expect(Engine.processIsAlive(getpid()))
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0)
        // Not waited for: once /bin/true exits, it stays a zombie until waitpid below.
        var zombie = false
        for _ in 0..<200 where !zombie {
            try await Task.sleep(for: .milliseconds(10))
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            zombie = stat.contains(") Z ")
        }
        #expect(zombie, "the child should have exited by now")
        #expect(kill(pid, 0) == 0, "a zombie still answers signal 0")
        #expect(!Engine.processIsAlive(pid))
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(!Engine.processIsAlive(pid))
    }
}
