import Foundation
import TLS
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `openssl s_client` against a one-connection blocking server on 127.0.0.1 that pumps a
/// `TLSSession`: the real client, over a real socket.
@Suite struct OpenSSLClientSmokeTests {
    @Test func servesOpenSSLSClientOverALoopbackSocket() throws {
        try withTestServer { context, certificate in
            let listener = try LoopbackListener()
            defer { close(listener.descriptor) }
            let input = certificate.folder + "/input"
            try Data("hello\n".utf8).write(to: URL(fileURLWithPath: input))
            let client = try SpawnedProcess(
                "openssl",
                [
                    "s_client", "-connect", "127.0.0.1:\(listener.port)", "-servername", "localhost",
                    "-alpn", "http/1.1", "-CAfile", certificate.certificatePath, "-verify_return_error",
                    "-verify_hostname", "localhost", "-ign_eof",
                ],
                input: input,
                folder: certificate.folder
            )
            defer { client.stop() }

            let socket = try listener.accept(timeoutMilliseconds: 20_000)
            defer { close(socket) }
            let session = try TLSSession(context: context)
            var plaintext: [UInt8] = []
            while !plaintext.elementsEqual(Array("hello\n".utf8)) {
                let received = try Self.receive(socket)
                try #require(!received.isEmpty, "s_client closed the connection early")
                received.withUnsafeBytes { session.receiveCiphertext($0) }
                let result = try session.read(into: &plaintext)
                try Self.sendPending(session, socket)
                try #require(result != .closed)
            }
            #expect(session.negotiatedALPN == "http/1.1")
            #expect(session.negotiatedVersion == "TLSv1.3")
            try Array("world\n".utf8).withUnsafeBytes { try session.write($0) }
            session.shutdown()
            try Self.sendPending(session, socket)

            let status = client.wait(timeoutSeconds: 20)
            let output = client.standardOutput
            #expect(status == 0, "s_client: \(client.standardError)")
            #expect(output.contains("world\n"))
            #expect(output.contains("ALPN protocol: http/1.1"))
            #expect(output.contains("Verify return code: 0 (ok)"))
        }
    }

    /// Reads what the socket has, waiting up to 20 seconds; empty at end of stream.
    static func receive(_ socket: Int32) throws -> [UInt8] {
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 20_000) == 1 else {
            throw TestSetupError("nothing arrived from s_client within 20 seconds")
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(socket, &buffer, buffer.count, 0)
        guard count >= 0 else {
            throw TestSetupError("recv: \(String(cString: strerror(errno)))")
        }
        return Array(buffer[..<count])
    }

    /// Sends all the ciphertext the session has for the peer.
    static func sendPending(_ session: TLSSession, _ socket: Int32) throws {
        var ciphertext: [UInt8] = []
        session.takeCiphertext(into: &ciphertext)
        var offset = 0
        while offset < ciphertext.count {
            let sent = ciphertext[offset...].withUnsafeBytes {
                send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else {
                throw TestSetupError("send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }
}

/// A listening TCP socket on 127.0.0.1 with a port the kernel picked.
struct LoopbackListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw TestSetupError("socket: \(String(cString: strerror(errno)))")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw TestSetupError("cannot listen on 127.0.0.1: \(reason)")
        }
        self.descriptor = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts one connection, waiting at most `timeoutMilliseconds`.
    func accept(timeoutMilliseconds: Int32) throws -> Int32 {
        var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMilliseconds) == 1 else {
            throw TestSetupError("no connection within \(timeoutMilliseconds) ms")
        }
        let connection = Glibc.accept(self.descriptor, nil, nil)
        guard connection >= 0 else {
            throw TestSetupError("accept: \(String(cString: strerror(errno)))")
        }
        return connection
    }
}

/// A program started in the background, with standard input from a file and its output in
/// files under `folder`.
final class SpawnedProcess {
    private let pid: pid_t
    private let folder: String
    private var exited = false

    init(_ program: String, _ arguments: [String], input: String, folder: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, folder + "/process-out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, folder + "/process-err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw TestSetupError("cannot start \(program): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        self.folder = folder
    }

    /// Waits for the program to exit and returns its exit status, or kills it after
    /// `timeoutSeconds` and returns -1.
    func wait(timeoutSeconds: Int) -> Int32 {
        var status: Int32 = 0
        for _ in 0..<(timeoutSeconds * 100) {
            if waitpid(self.pid, &status, WNOHANG) == self.pid {
                self.exited = true
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            usleep(10_000)
        }
        self.stop()
        return -1
    }

    /// Kills the program if it is still running, and reaps it.
    func stop() {
        guard !self.exited else {
            return
        }
        kill(self.pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(self.pid, &status, 0) < 0 && errno == EINTR {}
        self.exited = true
    }

    var standardOutput: String {
        (try? String(contentsOfFile: self.folder + "/process-out", encoding: .utf8)) ?? ""
    }

    var standardError: String {
        (try? String(contentsOfFile: self.folder + "/process-err", encoding: .utf8)) ?? ""
    }
}
