import CSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one `shebao scheduler` that `shebao dev` runs beside its workers: it delivers the inbox
/// messages and writes every SMS (log-in codes included) to the development SMS log. It exits
/// with `shebao dev` (`--supervised`); `stop()` ends it first.
struct DevScheduler {
    let pid: pid_t
    /// The development SMS log.
    let smsLog: String
    /// Where the audit chain's head is written.
    let anchorFile: String

    /// Starts the scheduler with the current environment (`DATABASE_URL` already names the
    /// application's login role). `SHEBAO_SMS_LOG` and `SHEBAO_AUDIT_ANCHOR_FILE` win over the
    /// files in `folder`.
    ///
    /// - Returns: the running scheduler, or nil (with a message) if it could not start.
    static func start(folder: String) -> DevScheduler? {
        let smsLog = Environment.value("SHEBAO_SMS_LOG") ?? folder + "/sms.log"
        let anchorFile = Environment.value("SHEBAO_AUDIT_ANCHOR_FILE") ?? folder + "/audit-anchor"
        let executable = Supervisor.executablePath()
        let arguments = [
            executable, "scheduler", "--supervised", "--sms-log", smsLog, "--audit-anchor-file", anchorFile,
        ]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let from: [Int32] = [-1, 1, 2]
        let to: [Int32] = [0, 1, 2]
        let pid = csystem_spawn(executable, argv, environ, from, to, Int32(from.count))
        guard pid > 0 else {
            printError("shebao dev: cannot start the scheduler: \(String(cString: strerror(-pid)))")
            return nil
        }
        return DevScheduler(pid: pid, smsLog: smsLog, anchorFile: anchorFile)
    }

    /// Sends SIGTERM (the scheduler finishes its batch) and waits up to 10 s, then SIGKILL. The
    /// supervisor may have reaped it already if it died earlier: then there is nothing to wait for.
    func stop() {
        guard kill(self.pid, SIGTERM) == 0 else { return }
        let deadline = ContinuousClock.now + .seconds(10)
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let reaped = waitpid(self.pid, &status, WNOHANG)
            if reaped == self.pid || reaped < 0 { return }
            usleep(20_000)
        }
        kill(self.pid, SIGKILL)
        waitpid(self.pid, &status, 0)
    }
}
