import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program running beside the test (a `shebao serve`), with its output in files.
public final class BackgroundProcess: @unchecked Sendable {
    // @unchecked: the PID is immutable; `hasExited`/`exitStatus` are written only by `wait()`,
    // which tests call from one thread.
    public let pid: Int32
    private let folder: String
    public private(set) var exitStatus: Int32?

    /// Starts `executable` with `arguments` and the environment changed by `environment`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String?] = [:]) throws {
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("bg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment {
            variables[name] = value
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, self.folder + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, self.folder + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw TestSetupError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
    }

    deinit {
        if self.exitStatus == nil {
            kill(self.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(self.pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// What it printed so far.
    public var standardOutput: String { (try? String(contentsOfFile: self.folder + "/out", encoding: .utf8)) ?? "" }
    public var standardError: String { (try? String(contentsOfFile: self.folder + "/err", encoding: .utf8)) ?? "" }

    /// Sends `signal`.
    public func send(_ signal: Int32) {
        kill(self.pid, signal)
    }

    /// Waits for it to exit, up to `timeout`.
    ///
    /// Looks at least once, so that a zero timeout asks whether it has exited.
    ///
    /// - Returns: its exit status, or nil if it still runs.
    @discardableResult
    public func wait(timeout: Duration) -> Int32? {
        if let status = self.exitStatus {
            return status
        }
        let deadline = ContinuousClock.now + timeout
        repeat {
            var status: Int32 = 0
            if waitpid(self.pid, &status, WNOHANG) == self.pid {
                self.exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return self.exitStatus
            }
            usleep(20_000)
        } while ContinuousClock.now < deadline
        return nil
    }

    /// The PIDs of its direct children (from /proc).
    public var childPIDs: [Int32] {
        let path = "/proc/\(self.pid)/task/\(self.pid)/children"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Waits until `condition` holds, up to `timeout`.
    public func waitUntil(timeout: Duration, _ condition: () -> Bool) -> Bool {
        TestSupport.waitUntil(timeout: timeout, condition)
    }
}
