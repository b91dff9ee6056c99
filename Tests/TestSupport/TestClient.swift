import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP client for socket tests, with a receive timeout so a test never hangs.
public final class TestClient {
    public let descriptor: Int32
    private var buffer: [UInt8] = []

    public init(port: Int, host: String = "127.0.0.1", timeout: Duration = .seconds(10)) throws {
        // Close-on-exec: tests beside this one spawn processes (PostgreSQL, workers), which would
        // otherwise inherit the socket and keep it open after this client closes it.
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            Glibc.close(self.descriptor)
            throw TestClientError("connect: \(String(cString: strerror(code)))")
        }
        var value = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        Glibc.close(self.descriptor)
    }

    public func send(_ text: String) throws {
        try self.send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestClientError("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads one response (head and Content-Length body). Returns nil if the server closed first.
    public func readResponse() throws -> TestResponse? {
        while true {
            if let response = self.parseResponse() {
                return response
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                return nil
            }
            guard count > 0 else { throw TestClientError("recv: \(String(cString: strerror(errno)))") }
            self.buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Whether the server closed the connection (recv returns 0) within the timeout.
    public func isClosedByServer() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    private func parseResponse() -> TestResponse? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = self.buffer.firstRange(of: separator) else { return nil }
        let head = String(decoding: self.buffer[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (
                    String(line[..<colon]).lowercased(),
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                )
            )
        }
        let length = headers.first { $0.0 == "content-length" }.flatMap { Int($0.1) } ?? 0
        let bodyStart = end.upperBound
        if status == 100 {
            self.buffer.removeFirst(bodyStart)
            return TestResponse(status: 100, headers: headers, body: [])
        }
        guard self.buffer.count >= bodyStart + length else { return nil }
        let body = Array(self.buffer[bodyStart..<(bodyStart + length)])
        self.buffer.removeFirst(bodyStart + length)
        return TestResponse(status: status, headers: headers, body: body)
    }
}

public struct TestResponse {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        self.headers.first { $0.0 == name.lowercased() }?.1
    }

    public var text: String { String(decoding: self.body, as: UTF8.self) }
}

public struct TestClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
