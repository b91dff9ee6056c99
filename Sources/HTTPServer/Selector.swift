import CSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The epoll instance of one event loop, plus the eventfd other threads use to wake it.
///
/// Descriptors are registered level-triggered: a connection that is not ready to read more is
/// registered without `EPOLLIN`, so readiness it ignores cannot spin the loop.
final class Selector {
    /// What a registered descriptor wants to hear about.
    struct Interest: OptionSet, Equatable {
        let rawValue: UInt32
        static let read = Interest(rawValue: EPOLLIN.rawValue)
        static let write = Interest(rawValue: EPOLLOUT.rawValue)
        static let none: Interest = []
        /// Wake only one of the processes that share this descriptor (a listening socket
        /// inherited by several workers). Cannot be combined with `reregister`.
        static let exclusive = Interest(rawValue: EPOLLEXCLUSIVE.rawValue)
    }

    /// One readiness report.
    struct Event {
        var descriptor: Int32
        var isReadable: Bool
        var isWritable: Bool
        /// The peer hung up or the socket has an error.
        var isHangUp: Bool
    }

    // protected by: the event-loop thread (epoll_wait); epoll_ctl is thread-safe but only the
    // loop calls it.
    private let epoll: Int32
    /// eventfd: written by any thread to wake the loop.
    let wakeDescriptor: Int32
    private var events: UnsafeMutableBufferPointer<epoll_event>
    private var isClosed = false

    init(maximumEventsPerWait: Int = 256) throws {
        self.epoll = try Posix.syscallAlways("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        do {
            self.wakeDescriptor = try Posix.syscallAlways("eventfd") {
                eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
            }
        } catch {
            Posix.close(descriptor: self.epoll)
            throw error
        }
        self.events = .allocate(capacity: maximumEventsPerWait)
        try self.register(self.wakeDescriptor, interest: .read)
    }

    deinit {
        assert(self.isClosed, "Selector was not closed before deinitializing")
        self.events.deallocate()
    }

    func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        Posix.close(descriptor: self.wakeDescriptor)
        Posix.close(descriptor: self.epoll)
    }

    func register(_ descriptor: Int32, interest: Interest) throws {
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = descriptor
        _ = try Posix.syscallAlways("epoll_ctl(ADD)") { epoll_ctl(self.epoll, EPOLL_CTL_ADD, descriptor, &event) }
    }

    func reregister(_ descriptor: Int32, interest: Interest) throws {
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = descriptor
        _ = try Posix.syscallAlways("epoll_ctl(MOD)") { epoll_ctl(self.epoll, EPOLL_CTL_MOD, descriptor, &event) }
    }

    /// Removes `descriptor`; call before closing it.
    func deregister(_ descriptor: Int32) {
        var event = epoll_event()
        // best effort: closing the descriptor removes it from the epoll set anyway
        _ = try? Posix.syscallAlways("epoll_ctl(DEL)") { epoll_ctl(self.epoll, EPOLL_CTL_DEL, descriptor, &event) }
    }

    /// One `epoll_ctl` on a descriptor someone else may already have closed (libpq closes its
    /// socket when the connection breaks): reports errno instead of treating `EBADF` as a bug.
    ///
    /// - Returns: 0 on success, else errno.
    func control(_ operation: Int32, _ descriptor: Int32, interest: Interest) -> Int32 {
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.fd = descriptor
        while epoll_ctl(self.epoll, operation, descriptor, &event) == -1 {
            let code = errno
            guard code == EINTR else { return code }
        }
        return 0
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and calls `body` for each event. The
    /// wake-up eventfd is drained here and not reported.
    ///
    /// - Returns: whether the eventfd fired.
    @discardableResult
    func wait(timeoutMilliseconds: Int32, _ body: (Event) -> Void) throws -> Bool {
        let count: Int32
        switch try Posix.syscall(
            "epoll_wait",
            {
                epoll_wait(self.epoll, self.events.baseAddress, Int32(self.events.count), timeoutMilliseconds)
            }
        ) {
        case .processed(let value): count = value
        case .wouldBlock: count = 0
        }
        var wasWoken = false
        for index in 0..<Int(count) {
            let event = self.events[index]
            let descriptor = event.data.fd
            if descriptor == self.wakeDescriptor {
                var value: UInt64 = 0
                // best effort: EAGAIN means another wait already drained it
                _ = try? Posix.syscall("read(eventfd)") { Glibc.read(self.wakeDescriptor, &value, 8) }
                wasWoken = true
                continue
            }
            body(
                Event(
                    descriptor: descriptor,
                    isReadable: event.events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0,
                    isWritable: event.events & EPOLLOUT.rawValue != 0,
                    isHangUp: event.events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
                )
            )
        }
        return wasWoken
    }

    /// Wakes the loop from any thread.
    static func wake(_ descriptor: Int32) {
        var one: UInt64 = 1
        // EAGAIN means the counter is already non-zero: the loop will wake anyway.
        _ = Glibc.write(descriptor, &one, 8)
    }
}
