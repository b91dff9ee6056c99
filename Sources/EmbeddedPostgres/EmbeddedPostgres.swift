import CSystem
import Foundation
public import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster that lives in a folder of its own, for development and tests.
///
/// Layout of ``directory``:
/// - `data/`: the cluster (owned by the `postgres` OS user when we are root);
/// - `run/`: the server log and the unix socket;
/// - `cluster.json`: the port and the generated superuser password (mode 0600).
///
/// The server listens on 127.0.0.1 only, with SCRAM password authentication. ``stop()``
/// signals the postmaster by the PID in its own `postmaster.pid`, never by name.
public struct EmbeddedPostgres: Sendable {
    /// The folder holding the cluster.
    public let directory: String
    /// The folder with `initdb`, `pg_ctl` and `postgres`.
    public let binDirectory: String
    /// Extra server settings (`-c name=value`) applied at every start.
    public var settings: [String: String]

    /// What the caller needs to reach a running cluster.
    public struct Running: Sendable {
        /// The TCP port on 127.0.0.1.
        public var port: Int
        /// The superuser's name.
        public var superuser: String
        /// The superuser's generated password.
        public var superuserPassword: String
        /// Whether this call started the server (false: it was already running).
        public var didStart: Bool
        /// The postmaster's PID.
        public var pid: Int32

        /// Connection settings for `database` as the superuser.
        public func configuration(database: String = "postgres") -> PostgresConfiguration {
            PostgresConfiguration(
                host: "127.0.0.1",
                port: self.port,
                user: self.superuser,
                password: self.superuserPassword,
                database: database
            )
        }

        /// The same as a URL, for `DATABASE_URL`-style variables.
        public func url(database: String = "postgres") -> String {
            "postgresql://\(self.superuser):\(self.superuserPassword)@127.0.0.1:\(self.port)/\(database)"
        }
    }

    private struct State: Codable {
        var port: Int
        var superuserPassword: String
        var values: [String: String]?
    }

    /// A cluster in `directory`, using the server programs in `binDirectory` (found with
    /// ``locateBinaries()`` if not given).
    ///
    /// - Throws: ``EmbeddedPostgresError`` if no server programs are installed.
    public init(directory: String, binDirectory: String? = nil, settings: [String: String] = [:]) throws {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.binDirectory = try binDirectory ?? Self.locateBinaries()
        self.settings = settings
    }

    /// The folder with the server programs: `$PG_BIN`, else `pg_config --bindir`, else the
    /// newest `/usr/lib/postgresql/*/bin` (Debian's layout).
    ///
    /// - Throws: ``EmbeddedPostgresError`` naming the package to install.
    public static func locateBinaries() throws -> String {
        let fileManager = FileManager.default
        func hasServer(_ folder: String) -> Bool {
            fileManager.isExecutableFile(atPath: folder + "/initdb")
                && fileManager.isExecutableFile(atPath: folder + "/pg_ctl")
        }
        if let folder = ProcessInfo.processInfo.environment["PG_BIN"], hasServer(folder) {
            return folder
        }
        if let pgConfig = ProcessRunner.findExecutable("pg_config"),
            let output = try? ProcessRunner.run(pgConfig, ["--bindir"], asClusterUser: false), output.status == 0
        {
            let folder = output.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if hasServer(folder) {
                return folder
            }
        }
        let versions = (try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.compactMap(Int.init).sorted(by: >) where hasServer("/usr/lib/postgresql/\(version)/bin")
        {
            return "/usr/lib/postgresql/\(version)/bin"
        }
        throw EmbeddedPostgresError(
            "no PostgreSQL server programs found (initdb, pg_ctl); on Debian: apt-get install postgresql, or set PG_BIN"
        )
    }

    var dataDirectory: String { self.directory + "/data" }
    var runDirectory: String { self.directory + "/run" }
    var logFile: String { self.runDirectory + "/server.log" }
    var stateFile: String { self.directory + "/cluster.json" }

    /// The postmaster's PID if the server is running.
    public var runningPID: Int32? {
        guard let text = try? String(contentsOfFile: self.dataDirectory + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = Int32(first), pid > 0
        else {
            return nil
        }
        return kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }

    /// Creates the cluster if the folder has none, then starts the server unless it runs
    /// already. A second call reuses the same cluster, port and password.
    ///
    /// - Parameter port: the port to use; by default the one used before, or a free one.
    /// - Returns: how to reach it.
    /// - Throws: ``EmbeddedPostgresError`` with the tail of the server log if it does not start.
    @discardableResult
    public func start(port requestedPort: Int? = nil) throws -> Running {
        guard !self.directory.contains("'") else {
            throw EmbeddedPostgresError("the cluster folder's path must not contain a quote: \(self.directory)")
        }
        var state = try self.initializeIfNeeded()
        if let pid = self.runningPID {
            return Running(
                port: state.port,
                superuser: "postgres",
                superuserPassword: state.superuserPassword,
                didStart: false,
                pid: pid
            )
        }
        var port = requestedPort ?? state.port
        if requestedPort == nil, !Self.isPortFree(port) {
            port = try Self.freePort()
        }
        state.port = port
        try self.saveState(state)
        var options = ["-p \(port)", "-c listen_addresses=127.0.0.1"]
        // A unix socket path must fit in sun_path (108 bytes); skip the socket if it would not.
        if (self.runDirectory + "/.s.PGSQL.\(port)").utf8.count < 100 {
            options.append("-k '\(self.runDirectory)'")
        } else {
            options.append("-c unix_socket_directories=''")
        }
        for (name, value) in self.settings.sorted(by: { $0.key < $1.key }) {
            options.append("-c \(name)=\(value)")
        }
        let output = try ProcessRunner.run(
            self.binDirectory + "/pg_ctl",
            [
                "-D", self.dataDirectory, "-l", self.logFile, "-w", "-t", "60", "-o", options.joined(separator: " "),
                "start",
            ]
        )
        guard output.status == 0, let pid = self.runningPID else {
            throw EmbeddedPostgresError("PostgreSQL did not start:\n\(output.text)\n\(self.logTail())")
        }
        return Running(
            port: port,
            superuser: "postgres",
            superuserPassword: state.superuserPassword,
            didStart: true,
            pid: pid
        )
    }

    /// Stops the server with a fast shutdown (SIGINT to the postmaster by its own PID) and waits
    /// up to `timeout` for it to exit. Does nothing if it is not running.
    ///
    /// - Throws: ``EmbeddedPostgresError`` if it is still running after `timeout`.
    public func stop(timeout: Duration = .seconds(60)) throws {
        guard let pid = self.runningPID else {
            return
        }
        kill(pid, SIGINT)
        let deadline = ContinuousClock.now + timeout
        while kill(pid, 0) == 0 {
            if ContinuousClock.now > deadline {
                throw EmbeddedPostgresError("PostgreSQL (pid \(pid)) did not stop within \(timeout)")
            }
            usleep(50_000)
        }
    }

    /// Restarts the server with `pg_ctl restart`: every connection is dropped. A fast restart
    /// shuts down cleanly; an immediate one stops at once, as a crash would, and the start
    /// recovers from the write-ahead log.
    public func restart(immediate: Bool = false) throws {
        let output = try ProcessRunner.run(
            self.binDirectory + "/pg_ctl",
            [
                "-D", self.dataDirectory, "-l", self.logFile, "-w", "-t", "60", "-m", immediate ? "immediate" : "fast",
                "restart",
            ]
        )
        guard output.status == 0 else {
            throw EmbeddedPostgresError("PostgreSQL did not restart:\n\(output.text)\n\(self.logTail())")
        }
    }

    /// Stops the server and deletes the folder.
    public func destroy() throws {
        try self.stop()
        try? FileManager.default.removeItem(atPath: self.directory)  // best effort: a temporary folder
    }

    // MARK: Set-up

    private func initializeIfNeeded() throws -> State {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: self.dataDirectory + "/PG_VERSION"), let state = self.loadState() {
            return state
        }
        if fileManager.fileExists(atPath: self.dataDirectory + "/PG_VERSION") {
            throw EmbeddedPostgresError(
                "\(self.dataDirectory) holds a cluster but \(self.stateFile) is missing; delete \(self.directory) to start afresh"
            )
        }
        try fileManager.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: self.runDirectory, withIntermediateDirectories: true)
        try fileManager.createDirectory(
            atPath: self.dataDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let password = try Self.randomToken()
        let passwordFile = self.runDirectory + "/initdb-password"
        guard
            fileManager.createFile(
                atPath: passwordFile,
                contents: Data(password.utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else {
            throw EmbeddedPostgresError("cannot write \(passwordFile)")
        }
        defer { try? fileManager.removeItem(atPath: passwordFile) }  // best effort: it lives in our own folder
        if ProcessRunner.isRoot {
            // The server runs as `postgres`: it must own data/ and run/ and reach the folder.
            try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: self.directory)
            for path in [self.runDirectory, self.dataDirectory, passwordFile] {
                try Self.chownToClusterUser(path)
            }
            let reach = try ProcessRunner.run("/usr/bin/test", ["-w", self.runDirectory])
            guard reach.status == 0 else {
                throw EmbeddedPostgresError(
                    "the postgres OS user cannot reach \(self.directory); make its parent folders traversable (chmod o+x)"
                )
            }
        }
        let output = try ProcessRunner.run(
            self.binDirectory + "/initdb",
            [
                "-D", self.dataDirectory, "-U", "postgres", "--pwfile=\(passwordFile)", "--auth=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-instructions",
            ]
        )
        guard output.status == 0 else {
            throw EmbeddedPostgresError("initdb failed:\n\(output.text)")
        }
        let state = State(port: try Self.freePort(), superuserPassword: password)
        try self.saveState(state)
        return state
    }

    /// A value kept with the cluster (e.g. a generated application password).
    public func storedValue(_ key: String) -> String? {
        self.loadState()?.values?[key]
    }

    /// Keeps `value` with the cluster under `key`, in the same 0600 file as the superuser password.
    public func storeValue(_ value: String, for key: String) throws {
        guard var state = self.loadState() else {
            throw EmbeddedPostgresError("the cluster in \(self.directory) is not initialized")
        }
        state.values = (state.values ?? [:]).merging([key: value]) { $1 }
        try self.saveState(state)
    }

    private func loadState() -> State? {
        guard let data = FileManager.default.contents(atPath: self.stateFile) else { return nil }
        return try? JSONDecoder().decode(State.self, from: data)
    }

    private func saveState(_ state: State) throws {
        let data = try JSONEncoder().encode(state)
        guard
            FileManager.default.createFile(
                atPath: self.stateFile,
                contents: data,
                attributes: [.posixPermissions: 0o600]
            )
        else {
            throw EmbeddedPostgresError("cannot write \(self.stateFile)")
        }
    }

    private func logTail() -> String {
        guard let text = try? String(contentsOfFile: self.logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    private static func chownToClusterUser(_ path: String) throws {
        guard let user = getpwnam(ProcessRunner.clusterUser) else {
            throw EmbeddedPostgresError(
                "running as root, but the OS user 'postgres' does not exist (Debian: apt-get install postgresql creates it)"
            )
        }
        guard chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw EmbeddedPostgresError("chown \(path) to postgres failed: \(String(cString: strerror(errno)))")
        }
    }

    /// 32 random bytes from the kernel, as 64 hex digits.
    public static func randomToken() throws -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { getrandom($0.baseAddress, 32, 0) }
        guard count == 32 else {
            throw EmbeddedPostgresError("getrandom failed")
        }
        return bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice).
    public static func freePort() throws -> Int {
        guard let port = Self.bindLoopback(port: 0) else {
            throw EmbeddedPostgresError("cannot bind a socket on 127.0.0.1")
        }
        return port
    }

    static func isPortFree(_ port: Int) -> Bool {
        Self.bindLoopback(port: port) != nil
    }

    /// Binds (and closes again) a TCP socket on 127.0.0.1:`port`.
    ///
    /// - Returns: the port bound, or nil if the bind failed.
    private static func bindLoopback(port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
