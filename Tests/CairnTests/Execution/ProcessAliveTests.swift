import Cairn
import Foundation
import Testing

@Suite("Whether a lease holder's process is alive")
struct ProcessAliveTests {
    @Test(
        "this process is alive; an exited child that is not reaped yet (a zombie) is not, nor is a reaped one",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/stat"), "needs Linux's /proc"))
    func zombieIsGone() throws {
        #expect(Engine.processIsAlive(getpid()))
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0)
        // Wait for /bin/true to exit without reaping it (WNOWAIT): it stays a zombie until waitpid below.
        var info = siginfo_t()
        #expect(waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == 0)
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        #expect(stat.contains(") Z "), "the child is a zombie: \(stat)")
        #expect(kill(pid, 0) == 0, "a zombie still answers signal 0")
        #expect(!Engine.processIsAlive(pid))
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(!Engine.processIsAlive(pid))
    }
}
