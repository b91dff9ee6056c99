import CSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the PostgreSQL server programs, as the `postgres` OS user when this process is root
/// (initdb and the server refuse to run as root).
struct ProcessRunner: Sendable {
    /// The OS user the cluster runs as when we are root.
    static let clusterUser = "postgres"

    /// Whether this process runs as root.
    static var isRoot: Bool { geteuid() == 0 }

    /// The output of a finished program.
    struct Output {
        var status: Int32
        var text: String
    }

    /// Runs `executable` with `arguments` and waits for it. Standard output and error are
    /// captured together.
    ///
    /// - Throws: ``EmbeddedPostgresError`` if the program cannot be started.
    static func run(_ executable: String, _ arguments: [String], asClusterUser: Bool = true) throws -> Output {
        var argv = [executable] + arguments
        if asClusterUser && Self.isRoot {
            guard let runuser = Self.findExecutable("runuser") else {
                throw EmbeddedPostgresError("running as root, but runuser (util-linux) is not installed")
            }
            argv = [runuser, "-u", Self.clusterUser, "--"] + argv
        }
        // posix_spawn and waitpid directly: Foundation's Process waits on a run loop that can miss
        // the exit of a child whose own child (the postmaster) lives on.
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            throw EmbeddedPostgresError("pipe failed: \(String(cString: strerror(errno)))")
        }
        // The child gets the write end as stdout and stderr only, through dup2.
        _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let from: [Int32] = [-1, pipeFDs[1], pipeFDs[1]]
        let to: [Int32] = [0, 1, 2]
        let pid = csystem_spawn(argv[0], cArguments, environ, from, to, 3)
        close(pipeFDs[1])
        guard pid > 0 else {
            close(pipeFDs[0])
            throw EmbeddedPostgresError("cannot start \(argv[0]): \(String(cString: strerror(-pid)))")
        }
        // Read to the end before waiting, so a chatty program cannot fill the pipe and stall.
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(pipeFDs[0], $0.baseAddress, 4096) }
            if count > 0 {
                output.append(contentsOf: chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(pipeFDs[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: exitStatus, text: String(decoding: output, as: UTF8.self))
    }

    /// The first executable called `name` in `PATH` or the usual system folders.
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        return nil
    }
}

/// Why the embedded cluster could not be set up, started or stopped.
public struct EmbeddedPostgresError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
