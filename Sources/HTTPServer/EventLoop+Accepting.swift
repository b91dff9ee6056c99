import CSystem
import HTTP1
import Logging
import Synchronization
import TLS

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Accepts up to 64 waiting connections; pauses accepting when the table is full or
    /// descriptors run out.
    func acceptConnections() {
        for _ in 0..<64 {
            guard self.connections.count < self.configuration.maxConnections else {
                self.pauseAccepting(until: nil)
                return
            }
            let accepted: IOResult<(Int32, String)>
            do {
                accepted = try Posix.accept4(descriptor: self.listener.descriptor)
            } catch let error as IOError {
                switch error.errnoCode {
                case ECONNABORTED, EPROTO, EPERM:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop accepting for a moment instead of spinning on a
                    // listener that stays readable.
                    self.logger.warning("accept paused", metadata: ["error": "\(error)"])
                    self.pauseAccepting(until: ContinuousClock.now + .milliseconds(100))
                    return
                default:
                    self.logger.error("accept failed", metadata: ["error": "\(error)"])
                    return
                }
            } catch {
                return
            }
            guard case .processed(let (descriptor, address)) = accepted else { return }
            self.adopt(descriptor: descriptor, address: address)
        }
    }

    private func adopt(descriptor: Int32, address: String) {
        // best effort: a socket without TCP_NODELAY still works, only slower for small writes
        try? Posix.setOption(
            descriptor: descriptor,
            level: Int32(IPPROTO_TCP),
            name: csystem_tcp_nodelay(),
            value: 1,
            label: "TCP_NODELAY"
        )
        let now = ContinuousClock.now
        let machine = HTTPConnectionStateMachine(
            limits: self.parserLimits,
            timeouts: .init(
                headerRead: self.configuration.headerReadTimeout,
                bodyIdle: self.configuration.bodyIdleTimeout,
                bodyTotal: self.configuration.bodyTotalTimeout,
                writeIdle: self.configuration.writeIdleTimeout,
                keepAliveIdle: self.configuration.keepAliveIdleTimeout
            ),
            maxRequests: self.configuration.maxRequestsPerConnection,
            maxPipelinedBytes: self.configuration.maxPipelinedBytes,
            bodyLimit: self.hasBodyLimitOverrides
                ? { [unowned self] head, target in self.routeBodyLimit(head, target) } : nil,
            now: now
        )
        let connection = HTTPConnection(
            descriptor: descriptor,
            id: self.nextConnectionID,
            remoteAddress: address,
            machine: machine
        )
        self.nextConnectionID += 1
        if let context = self.tlsContext {
            do {
                connection.tls = try TLSSession(context: context)
                connection.handshakeDeadline = now + self.configuration.tlsHandshakeTimeout
            } catch {
                self.logger.error("TLS session failed", metadata: ["error": "\(error)"])
                Posix.close(descriptor: descriptor)
                return
            }
        }
        do {
            try self.selector.register(descriptor, interest: .read)
        } catch {
            Posix.close(descriptor: descriptor)
            return
        }
        self.connections[descriptor] = connection
        self.metrics.openConnections.add(1, ordering: .relaxed)
        self.metrics.acceptedConnections.add(1, ordering: .relaxed)
    }

    private func pauseAccepting(until instant: ContinuousClock.Instant?) {
        guard self.isAccepting, !self.isListenerClosed else { return }
        self.isAccepting = false
        self.acceptResumeAt = instant
        // DEL and ADD rather than MOD: EPOLLEXCLUSIVE registrations cannot be modified.
        self.selector.deregister(self.listener.descriptor)
    }

    /// Watches the listener again after a pause, once there is room and any back-off has passed.
    func resumeAcceptingIfDue(now: ContinuousClock.Instant) {
        guard !self.isAccepting, !self.isListenerClosed, self.connections.count < self.configuration.maxConnections
        else {
            return
        }
        if let resumeAt = self.acceptResumeAt, resumeAt > now {
            return
        }
        self.isAccepting = true
        self.acceptResumeAt = nil
        do {
            try self.selector.register(self.listener.descriptor, interest: self.listenerInterest)
        } catch {
            // Try again at the next sweep.
            self.isAccepting = false
        }
    }

    /// Stops watching and closes the listening socket. Only the first call does anything.
    func closeListener() {
        guard !self.isListenerClosed else { return }
        self.isListenerClosed = true
        if self.isAccepting {
            self.selector.deregister(self.listener.descriptor)
        }
        self.listener.close()
    }

    /// The body limit of the route a head is for (routes may raise the default for uploads).
    private func routeBodyLimit(_ head: HTTPRequestHead, _ target: RequestTarget) -> Int {
        self.router.bodyLimit(
            method: head.method,
            segments: target.segments,
            fallback: self.configuration.limits.maxBodyLength
        )
    }
}
