import CSystem
import Foundation
import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// `shebao serve`'s process manager: spawns `shebao worker` processes, restarts one that dies
/// (with back-off), drains them all on SIGTERM/SIGINT, and replaces them one by one on SIGHUP.
///
/// The supervisor binds the listening socket once and every worker inherits it (one accept
/// queue), so a worker that stops accepting during a drain leaves no connection behind: with
/// a socket per worker (`SO_REUSEPORT`), connections queued on a closing socket are reset.
struct Supervisor {
    struct Options {
        var workers: Int
        var host: String
        var port: Int
        /// Arguments passed to every `shebao worker`.
        var workerArguments: [String] = []
        /// How long a draining worker may take before it is killed.
        var drainTimeout: Duration = .seconds(15)
        /// Let each worker bind the port itself with `SO_REUSEPORT` instead of inheriting one
        /// socket. The kernel then spreads connections evenly, but a draining worker's queued
        /// connections are reset: reloads are no longer loss-free.
        var reusePort = false
    }

    private struct Slot {
        var pid: pid_t?
        var failures = 0
        var startedAt = ContinuousClock.now
        var restartAt: ContinuousClock.Instant?
    }

    let options: Options
    private var slots: [Slot] = []
    /// Workers being replaced or drained: they are not restarted when they exit.
    private var retiring: Set<pid_t> = []
    private var listenDescriptor: Int32 = -1

    init(options: Options) {
        self.options = options
    }

    /// Runs until SIGTERM or SIGINT. Signals must already be blocked in every thread
    /// (``blockSignals()``).
    ///
    /// - Throws: ``Failure`` if the socket cannot be bound or the first workers do not start.
    mutating func run() throws {
        var port = self.options.port
        if !self.options.reusePort {
            do {
                (self.listenDescriptor, port) = try HTTPServer.makeListeningSocket(
                    host: self.options.host,
                    port: self.options.port
                )
            } catch {
                throw Failure("cannot listen on \(self.options.host):\(self.options.port): \(error)")
            }
        }
        defer {
            if self.listenDescriptor >= 0 {
                close(self.listenDescriptor)
            }
        }
        self.slots = Array(repeating: Slot(), count: self.options.workers)
        for index in self.slots.indices {
            guard let pid = self.spawnWorker(waitForReady: true) else {
                self.stopAll()
                throw Failure("worker \(index + 1) did not start; see its messages above")
            }
            self.slots[index].pid = pid
        }
        print(
            "Shebao serving on \(ServerSettings.urlScheme)://\(self.options.host):\(port) with \(self.options.workers) worker(s)"
        )
        let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGCHLD]
        while true {
            let timeout = self.nextRestartDelayMilliseconds()
            let received = signals.withUnsafeBufferPointer {
                csystem_wait_for_signal_timeout($0.baseAddress, Int32($0.count), timeout)
            }
            switch received {
            case SIGINT, SIGTERM:
                print("shebao serve: stopping: draining \(self.slots.count) worker(s)")
                self.stopAll()
                return
            case SIGHUP:
                print("shebao serve: reloading: replacing workers one by one")
                self.replaceAll()
            default:
                break
            }
            self.reapChildren()
            self.restartDueWorkers()
        }
    }

    /// Blocks the signals the supervisor waits for, in the calling thread and every thread it
    /// starts later.
    static func blockSignals() {
        let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGCHLD]
        _ = signals.withUnsafeBufferPointer { csystem_block_signals($0.baseAddress, Int32($0.count)) }
    }

    // MARK: Workers

    /// Starts one worker with the listening socket as descriptor 3 and a readiness pipe as 4.
    ///
    /// - Returns: its PID, or nil if it could not start or did not report ready within 30 s.
    private func spawnWorker(waitForReady: Bool) -> pid_t? {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { return nil }
        _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
        defer { close(pipeFDs[0]) }
        let executable = Self.executablePath()
        let listenArguments =
            self.options.reusePort
            ? ["--host", self.options.host, "--port", "\(self.options.port)", "--supervised"]
            : ["--listen-fd", "3"]
        let arguments = [executable, "worker", "--ready-fd", "4"] + listenArguments + self.options.workerArguments
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Without an inherited socket, descriptor 3 is /dev/null: the numbering stays the same.
        let from: [Int32] = [-1, 1, 2, self.options.reusePort ? -1 : self.listenDescriptor, pipeFDs[1]]
        let to: [Int32] = [0, 1, 2, 3, 4]
        let pid = csystem_spawn(executable, argv, environ, from, to, Int32(from.count))
        close(pipeFDs[1])
        guard pid > 0 else {
            printError("shebao serve: cannot start a worker: \(String(cString: strerror(-pid)))")
            return nil
        }
        guard waitForReady else { return pid }
        var descriptor = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let rc = poll(&descriptor, 1, 100)
            if rc > 0 {
                var byte: UInt8 = 0
                if read(pipeFDs[0], &byte, 1) == 1 {
                    return pid
                }
                break
            }
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return nil
    }

    /// Rolling replacement: a new worker first, then the old one drains.
    private mutating func replaceAll() {
        for index in self.slots.indices {
            guard let fresh = self.spawnWorker(waitForReady: true) else {
                printError("shebao serve: a replacement worker did not start; keeping the old one")
                continue
            }
            if let old = self.slots[index].pid {
                self.retiring.insert(old)
                kill(old, SIGTERM)
            }
            self.slots[index] = Slot(pid: fresh)
        }
    }

    private mutating func stopAll() {
        var running = Set(self.slots.compactMap(\.pid)).union(self.retiring)
        for pid in running {
            kill(pid, SIGTERM)
        }
        let deadline = ContinuousClock.now + self.options.drainTimeout
        while !running.isEmpty && ContinuousClock.now < deadline {
            for pid in running {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    running.remove(pid)
                }
            }
            usleep(20_000)
        }
        for pid in running {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        self.slots = []
        self.retiring = []
    }

    private mutating func reapChildren() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            if self.retiring.remove(pid) != nil {
                continue
            }
            guard let index = self.slots.firstIndex(where: { $0.pid == pid }) else { continue }
            let ranFor = ContinuousClock.now - self.slots[index].startedAt
            // A worker that ran a while before dying is restarted at once; one that keeps dying
            // waits longer each time, up to 30 s.
            let failures = ranFor > .seconds(10) ? 0 : self.slots[index].failures + 1
            let delay = failures == 0 ? Duration.zero : .milliseconds(min(30_000, 100 << min(failures, 9)))
            printError("shebao serve: worker \(pid) exited (status \(status)); restarting in \(delay)")
            self.slots[index] = Slot(pid: nil, failures: failures, restartAt: ContinuousClock.now + delay)
        }
    }

    private mutating func restartDueWorkers() {
        let now = ContinuousClock.now
        for index in self.slots.indices {
            guard self.slots[index].pid == nil, let restartAt = self.slots[index].restartAt, restartAt <= now else {
                continue
            }
            if let pid = self.spawnWorker(waitForReady: false) {
                self.slots[index].pid = pid
                self.slots[index].startedAt = now
                self.slots[index].restartAt = nil
            } else {
                self.slots[index].failures += 1
                self.slots[index].restartAt = now + .seconds(1)
            }
        }
    }

    private func nextRestartDelayMilliseconds() -> Int32 {
        let now = ContinuousClock.now
        let pending = self.slots.compactMap(\.restartAt)
        guard let next = pending.min() else { return 1000 }
        let delay = next - now
        return Int32(
            clamping: max(1, delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
        )
    }

    // MARK: Helpers

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        return CommandLine.arguments[0]
    }

}
