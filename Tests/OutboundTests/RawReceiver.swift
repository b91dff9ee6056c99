import CSystem
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A receiver on 127.0.0.1:0 made of plain POSIX sockets, for what a real HTTP server would
/// not do: answer with fixed bytes, or accept and never answer. Its thread serves one
/// connection at a time, reading each request's head and `Content-Length` body before it
/// answers.
final class RawReceiver: Sendable {
    enum Behaviour: Sendable {
        /// Reads requests and never answers.
        case neverAnswer
        /// Answers every request on a connection with these bytes, kept alive.
        case answer([UInt8])
        /// Answers the first request with these bytes, then closes (a body that ends with the
        /// connection).
        case answerAndClose([UInt8])
    }

    let port: Int
    private let listener: Int32
    private let behaviour: Behaviour
    private let finished = DispatchSemaphore(value: 0)
    // guarded by: itself. The connections accepted so far, open or closed, and whether stop()
    // has begun (a connection accepted after that is closed at once, so none is missed).
    private let connections = Mutex<(accepted: [Int32], isStopping: Bool)>(([], false))
    // guarded by: itself. The requests read in full.
    private let requests = Mutex<Int>(0)

    /// Connections accepted so far.
    var acceptedCount: Int { self.connections.withLock { $0.accepted.count } }
    /// Requests read in full so far.
    var requestCount: Int { self.requests.withLock { $0 } }

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        self.listener = try Sockets.bound()
        guard listen(self.listener, 16) == 0 else { throw Sockets.error("listen") }
        self.port = try Sockets.port(of: self.listener)
        Thread { [self] in
            self.acceptLoop()
            self.finished.signal()
        }.start()
    }

    /// Stops accepting, closes every connection and waits for the thread.
    func stop() {
        // shutdown(2) wakes the thread blocked in accept(2) or recv(2); close(2) alone would not.
        shutdown(self.listener, Int32(SHUT_RDWR))
        self.connections.withLock { state in
            state.isStopping = true
            state.accepted.forEach { shutdown($0, Int32(SHUT_RDWR)) }
        }
        self.finished.wait()
        self.connections.withLock { $0.accepted.forEach { close($0) } }
        close(self.listener)
    }

    private func acceptLoop() {
        while true {
            // Close-on-exec from the start: tests beside this one spawn processes, which would
            // otherwise inherit the connection.
            let connection = csystem_accept4(self.listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let isStopping = self.connections.withLock { state in
                state.accepted.append(connection)
                return state.isStopping
            }
            guard !isStopping else { return }
            self.serve(connection)
        }
    }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        while let length = Self.readRequest(connection, &buffer) {
            buffer.removeFirst(length)
            self.requests.withLock { $0 += 1 }
            switch self.behaviour {
            case .neverAnswer:
                continue
            case .answer(let bytes):
                guard Self.send(connection, bytes) else { return }
            case .answerAndClose(let bytes):
                _ = Self.send(connection, bytes)
                shutdown(connection, Int32(SHUT_RDWR))
                return
            }
        }
    }

    /// Reads until `buffer` holds a whole request; returns its length, or nil at EOF or error.
    private static func readRequest(_ connection: Int32, _ buffer: inout [UInt8]) -> Int? {
        while true {
            if let length = Self.requestLength(buffer) { return length }
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private static func requestLength(_ buffer: [UInt8]) -> Int? {
        let terminator = Array("\r\n\r\n".utf8)
        guard let headEnd = buffer.indices.first(where: { buffer[$0...].starts(with: terminator) }) else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self).lowercased()
        let contentLength =
            head.split(separator: "\r\n")
            .first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let length = headEnd + terminator.count + contentLength
        return buffer.count >= length ? length : nil
    }

    private static func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: the client may have given up and closed; that is an error here, not
            // a SIGPIPE.
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}

/// A port on 127.0.0.1 that refuses connections: bound and never listening, so that no other
/// test can take it while this one holds it.
final class RefusingPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        self.descriptor = try Sockets.bound()
        self.port = try Sockets.port(of: self.descriptor)
    }

    func close() {
        Glibc.close(self.descriptor)
    }
}

enum Sockets {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func error(_ call: String) -> Failure {
        Failure(description: "\(call): \(String(cString: strerror(errno)))")
    }

    /// A TCP socket bound to 127.0.0.1 on a port the kernel picks.
    static func bound() throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.error("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let failure = Self.error("bind")
            close(descriptor)
            throw failure
        }
        return descriptor
    }

    static func port(of descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard rc == 0 else { throw Self.error("getsockname") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
