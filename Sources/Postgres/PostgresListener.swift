internal import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// Receives `NOTIFY` messages on a connection of its own, waiting on the connection's socket.
///
/// `wait(timeout:)` blocks the calling thread (a scheduler thread), never an event loop. If the
/// connection breaks, `wait` throws; notifications sent meanwhile are lost, as PostgreSQL does
/// not queue them for absent listeners, so a consumer re-creates the listener and polls its
/// tables once to catch up.
public final class PostgresListener: @unchecked Sendable {
    // @unchecked: like a connection, a listener is used by one thread at a time.

    private let connection: PostgresConnection
    private var pending: [PostgresNotification] = []

    /// Opens the listener's own connection.
    public init(configuration: PostgresConfiguration) throws {
        self.connection = try PostgresConnection.connect(configuration)
    }

    /// Starts listening on `channel`.
    ///
    /// - Throws: ``PostgresError`` if the channel name is empty or too long, or the server fails.
    public func listen(_ channel: String) throws {
        try self.connection.execute(unsafeScript: "LISTEN " + (try self.quotedChannel(channel)))
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) throws {
        try self.connection.execute(unsafeScript: "UNLISTEN " + (try self.quotedChannel(channel)))
    }

    /// Waits until at least one notification arrives or `timeout` passes.
    ///
    /// - Returns: the notifications that arrived, oldest first; empty after a timeout.
    /// - Throws: ``PostgresError`` with code `connectionClosed` if the connection broke.
    public func wait(timeout: Duration) throws -> [PostgresNotification] {
        let handle = try self.connection.liveHandle()
        self.drain(handle)
        let deadline = ContinuousClock.now + timeout
        while self.pending.isEmpty {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                break
            }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let rc = poll(&descriptor, 1, milliseconds)
            if rc < 0 && errno == EINTR {
                continue
            }
            if rc > 0 {
                guard PQconsumeInput(handle) == 1 else {
                    throw self.connection.connectionError()
                }
                self.drain(handle)
            }
        }
        defer { self.pending.removeAll() }
        return self.pending
    }

    /// Closes the listener's connection.
    public func close() {
        self.connection.close()
    }

    private func drain(_ handle: OpaquePointer) {
        while let notify = PQnotifies(handle) {
            let event = notify.pointee
            self.pending.append(
                PostgresNotification(
                    channel: String(cString: event.relname),
                    payload: event.extra.map { String(cString: $0) } ?? "",
                    senderPID: event.be_pid
                )
            )
            PQfreemem(notify)
        }
    }

    private func quotedChannel(_ channel: String) throws -> String {
        // Identifiers are at most 63 bytes (NAMEDATALEN - 1); a longer one would be truncated.
        guard !channel.isEmpty, channel.utf8.count <= 63 else {
            throw PostgresError(code: .decoding, message: "a channel name has 1 to 63 bytes")
        }
        return try self.connection.quoteIdentifier(channel)
    }
}
