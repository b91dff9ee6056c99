import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion, for end-to-end tests of the `shebao` executable.
public enum Subprocess {
    /// What a finished program left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `executable` with `arguments` and the current environment changed by `environment`
    /// (a `nil` value removes the variable), waiting for it to exit. Output goes to temporary
    /// files, so neither stream can fill a pipe and stall the program.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String?] = [:]
    ) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("subprocess-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment {
            variables[name] = value
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, folder + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
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
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(
            status: exitStatus,
            standardOutput: (try? String(contentsOfFile: folder + "/out", encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: folder + "/err", encoding: .utf8)) ?? ""
        )
    }
}
