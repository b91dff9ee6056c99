import HTTP1
import TLS

#if canImport(Glibc)
    import Glibc
#endif

/// One accepted connection: its descriptor, protocol state, pending output and optional TLS
/// session. Confined to its event loop's thread.
final class HTTPConnection {
    /// The socket. Owned; closed by the event loop.
    let descriptor: Int32
    /// Tells a connection apart from a later one that reuses the same descriptor number, so a
    /// late handler response cannot reach the wrong peer.
    let id: UInt64
    let remoteAddress: String
    var machine: HTTPConnectionStateMachine
    /// What epoll is told about this descriptor now.
    var interest: Selector.Interest = .read
    /// TLS state when the listener serves TLS.
    var tls: TLSSession?
    /// For TLS: when the handshake must be done.
    var handshakeDeadline: ContinuousClock.Instant?

    /// Bytes to write: the head of the response (or ciphertext, with TLS).
    var output: [UInt8] = []
    /// The response body, written after `output` in the same `writev` (plain TCP only).
    var outputBody: [UInt8] = []
    /// How much of `output` + `outputBody` is written.
    var written = 0
    /// Requests handed to handlers so far: a response names the one it answers.
    var dispatched: UInt64 = 0
    /// The request being handled, for the access log and metrics.
    var current: CurrentRequest?
    /// Whether the current request is a HEAD (the response body is not sent).
    var isHeadRequest = false
    /// Whether the current request allows keeping the connection open.
    var isKeepAlive = true
    /// Close once the output is written (an error answer).
    var closeAfterWrite = false
    /// Whether input may still be on its way when the connection closes (an error answer
    /// before the request was read whole): close lingering.
    var lingerAfterWrite = false
    /// While closing lingering: until when what arrives is read and dropped, and how much more.
    var lingerUntil: ContinuousClock.Instant?
    var lingerBudget = 0

    init(descriptor: Int32, id: UInt64, remoteAddress: String, machine: HTTPConnectionStateMachine) {
        self.descriptor = descriptor
        self.id = id
        self.remoteAddress = remoteAddress
        self.machine = machine
    }

    var hasPendingOutput: Bool {
        self.written < self.output.count + self.outputBody.count
    }

    /// Writes as much pending output as the socket takes.
    ///
    /// - Returns: `true` when everything is written, `false` if the socket is full.
    /// - Throws: ``IOError`` when the peer is gone (`EPIPE`, `ECONNRESET`).
    func flush() throws -> Bool {
        while self.hasPendingOutput {
            let result: IOResult<Int>
            if self.written < self.output.count {
                result = try self.output.withUnsafeBytes { head in
                    try self.outputBody.withUnsafeBytes { body in
                        var vectors = (
                            iovec(
                                iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress! + self.written),
                                iov_len: head.count - self.written
                            ),
                            iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count)
                        )
                        return try withUnsafeBytes(of: &vectors) { raw in
                            try Posix.writev(
                                descriptor: self.descriptor,
                                UnsafeBufferPointer(
                                    start: raw.baseAddress!.assumingMemoryBound(to: iovec.self),
                                    count: body.isEmpty ? 1 : 2
                                )
                            )
                        }
                    }
                }
            } else {
                let offset = self.written - self.output.count
                result = try self.outputBody.withUnsafeBytes { body in
                    try Posix.write(descriptor: self.descriptor, UnsafeRawBufferPointer(rebasing: body[offset...]))
                }
            }
            switch result {
            case .processed(let count):
                self.written += count
            case .wouldBlock:
                return false
            }
        }
        self.output.removeAll(keepingCapacity: true)
        self.outputBody = []
        self.written = 0
        return true
    }

    /// The output buffer, emptied, to write the next response head into without allocating.
    func takeSpareBuffer() -> [UInt8] {
        var buffer: [UInt8] = []
        swap(&buffer, &self.output)
        buffer.removeAll(keepingCapacity: true)
        return buffer
    }
}

/// What the access log and the metrics need of the request in progress.
struct CurrentRequest {
    var method: HTTPMethod
    var path: String
    var requestID: String
    /// The route's index, -1 if none matched.
    var route: Int
    var routePattern: String
    /// When the request was dispatched: the loop's round time in seconds.
    var started: Double
}

/// The open connections by descriptor number. Descriptors are small integers the kernel hands
/// out lowest first, so an array indexed by them finds a connection without hashing.
struct ConnectionTable {
    private var slots: [HTTPConnection?] = []
    /// Open connections.
    private(set) var count = 0

    var isEmpty: Bool { self.count == 0 }

    subscript(descriptor: Int32) -> HTTPConnection? {
        get {
            let index = Int(descriptor)
            return index >= 0 && index < self.slots.count ? self.slots[index] : nil
        }
        set {
            let index = Int(descriptor)
            precondition(index >= 0, "a descriptor is not negative")
            if index >= self.slots.count {
                guard newValue != nil else { return }
                self.slots.append(contentsOf: repeatElement(nil, count: index + 1 - self.slots.count))
            }
            self.count += (newValue == nil ? 0 : 1) - (self.slots[index] == nil ? 0 : 1)
            self.slots[index] = newValue
        }
    }

    /// Every open connection, as a list of its own (the table may change while it is walked).
    var all: [HTTPConnection] {
        self.slots.compactMap { $0 }
    }
}
