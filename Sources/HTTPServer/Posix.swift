import CSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Thin wrappers over the system calls the server makes, with one errno policy:
/// - `EINTR`: retry;
/// - `EAGAIN`/`EWOULDBLOCK`: ``IOResult/wouldBlock``, a value, not an error;
/// - `EBADF`, `EFAULT`: our bug (a closed or bad descriptor, a bad pointer): `precondition`;
/// - anything else: throw ``IOError`` naming the call.
enum Posix {
    @inline(never)
    static func syscall<T: FixedWidthInteger>(_ call: @autoclosure () -> String, _ body: () -> T) throws -> IOResult<T>
    {
        while true {
            let result = body()
            if result != -1 {
                return .processed(result)
            }
            // Read errno at once: anything in between could change it.
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                return .wouldBlock
            case EBADF, EFAULT:
                preconditionFailure("\(call()): unacceptable errno \(code) \(String(cString: strerror(code)))")
            default:
                throw IOError(errnoCode: code, call: call())
            }
        }
    }

    /// A call that never returns `EAGAIN` (a blocking or setup call).
    @inline(never)
    static func syscallAlways<T: FixedWidthInteger>(_ call: @autoclosure () -> String, _ body: () -> T) throws -> T {
        switch try Self.syscall(call(), body) {
        case .processed(let value):
            return value
        case .wouldBlock:
            throw IOError(errnoCode: EAGAIN, call: call())
        }
    }

    static func close(descriptor: Int32) {
        // Never retry close on EINTR: on Linux the descriptor is already released and may have
        // been reused by another thread (https://lwn.net/Articles/576478/).
        let result = Glibc.close(descriptor)
        if result == -1 {
            let code = errno
            precondition(code != EBADF, "close(\(descriptor)): bad descriptor")
        }
    }

    static func setNonBlocking(descriptor: Int32) throws {
        let flags = try Self.syscallAlways("fcntl(F_GETFL)") { fcntl(descriptor, F_GETFL, 0) }
        _ = try Self.syscallAlways("fcntl(F_SETFL,O_NONBLOCK)") { fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
    }

    static func setOption(descriptor: Int32, level: Int32, name: Int32, value: Int32, label: String) throws {
        var value = value
        _ = try Self.syscallAlways("setsockopt(\(label))") {
            setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// `accept4` with `SOCK_NONBLOCK | SOCK_CLOEXEC`.
    static func accept4(descriptor: Int32) throws -> IOResult<(Int32, String)> {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                try Self.syscall("accept4") {
                    csystem_accept4(
                        descriptor,
                        socketAddress,
                        &length,
                        Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
                    )
                }
            }
        }
        switch result {
        case .processed(let client):
            return .processed((client, SocketAddress.describe(address)))
        case .wouldBlock:
            return .wouldBlock
        }
    }

    static func read(descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> IOResult<Int> {
        try Self.syscall("read") { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    static func writev(descriptor: Int32, _ vectors: UnsafeBufferPointer<iovec>) throws -> IOResult<Int> {
        try Self.syscall("writev") { Glibc.writev(descriptor, vectors.baseAddress, Int32(vectors.count)) }
    }

    static func write(descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws -> IOResult<Int> {
        try Self.syscall("write") { Glibc.write(descriptor, bytes.baseAddress, bytes.count) }
    }
}

/// Formatting peer addresses for logs.
enum SocketAddress {
    static func describe(_ storage: sockaddr_storage) -> String {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var inAddress = address.pointee.sin_addr
                    inet_ntop(AF_INET, &inAddress, &text, socklen_t(text.count))
                    return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var in6Address = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &in6Address, &text, socklen_t(text.count))
                    return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                }
            }
        default:
            return "unix"
        }
    }
}
