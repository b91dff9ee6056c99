import CSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking TCP listening socket.
///
/// Workers either bind their own with `SO_REUSEPORT` (the kernel spreads connections across
/// them) or adopt one inherited from the supervisor.
final class ListeningSocket {
    /// The descriptor. Owned by this object; closed by ``close()``.
    let descriptor: Int32
    /// The port bound, useful after binding port 0.
    let port: Int
    /// Whether the socket came from the supervisor (shared with sibling workers).
    let isInherited: Bool
    private var isClosed = false

    /// Binds `host:port` (IPv4 or IPv6 literal) and listens.
    ///
    /// - Parameters:
    ///   - reusePort: set `SO_REUSEPORT` so that several processes can bind the same port.
    ///   - backlog: the accept queue's length.
    /// - Throws: ``IOError`` naming the call that failed (`bind`: address in use, …).
    init(host: String, port: Int, reusePort: Bool, backlog: Int32 = 1024) throws {
        let (descriptor, boundPort) = try Self.bind(host: host, port: port, reusePort: reusePort, backlog: backlog)
        self.descriptor = descriptor
        self.port = boundPort
        self.isInherited = false
    }

    /// Creates a non-blocking, close-on-exec socket listening on `host:port`.
    ///
    /// - Returns: the descriptor (the caller owns it) and the port bound.
    static func bind(host: String, port: Int, reusePort: Bool, backlog: Int32 = 1024) throws -> (Int32, Int) {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32 = host.contains(":") ? AF_INET6 : AF_INET
        let parsed = withUnsafeMutableBytes(of: &storage) { raw -> Int32 in
            if family == AF_INET6 {
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = UInt16(port).bigEndian
                return inet_pton(AF_INET6, host, &address.pointee.sin6_addr)
            }
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = UInt16(port).bigEndian
            return inet_pton(AF_INET, host, &address.pointee.sin_addr)
        }
        guard parsed == 1 else {
            throw IOError(errnoCode: EINVAL, call: "inet_pton(\(host))")
        }
        length = socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        let descriptor = try Posix.syscallAlways("socket") {
            socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            try Posix.setOption(
                descriptor: descriptor,
                level: SOL_SOCKET,
                name: SO_REUSEADDR,
                value: 1,
                label: "SO_REUSEADDR"
            )
            if reusePort {
                try Posix.setOption(
                    descriptor: descriptor,
                    level: SOL_SOCKET,
                    name: csystem_so_reuseport(),
                    value: 1,
                    label: "SO_REUSEPORT"
                )
            }
            _ = try withUnsafePointer(to: &storage) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    try Posix.syscallAlways("bind(\(host):\(port))") { Glibc.bind(descriptor, address, length) }
                }
            }
            _ = try Posix.syscallAlways("listen") { listen(descriptor, backlog) }
            return (descriptor, try Self.boundPort(descriptor))
        } catch {
            Posix.close(descriptor: descriptor)
            throw error
        }
    }

    /// Adopts an already listening socket (inherited from the supervisor), making it non-blocking.
    init(adopting descriptor: Int32) throws {
        try Posix.setNonBlocking(descriptor: descriptor)
        self.descriptor = descriptor
        self.port = try Self.boundPort(descriptor)
        self.isInherited = true
    }

    deinit {
        assert(self.isClosed, "ListeningSocket was not closed before deinitializing")
    }

    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        Posix.close(descriptor: self.descriptor)
    }

    private static func boundPort(_ descriptor: Int32) throws -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                try Posix.syscallAlways("getsockname") { getsockname(descriptor, address, &length) }
            }
        }
        return withUnsafeBytes(of: storage) { bytes in
            // sin_port and sin6_port sit at the same offset, right after the family.
            Int(UInt16(bigEndian: bytes.load(fromByteOffset: 2, as: UInt16.self)))
        }
    }
}
