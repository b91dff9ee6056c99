import Synchronization
import TLS

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Reads what the socket has (and drops it, for a lingering connection), then drives the
    /// connection.
    func readReady(_ connection: HTTPConnection) {
        if connection.lingerUntil != nil {
            self.drainLingering(connection)
            return
        }
        let result: IOResult<Int>
        do {
            result = try Posix.read(descriptor: connection.descriptor, into: self.scratch)
        } catch {
            self.closeConnection(connection)
            return
        }
        switch result {
        case .wouldBlock:
            return
        case .processed(0):
            if connection.tls != nil && !(connection.tls?.isHandshakeComplete ?? false) {
                self.closeConnection(connection)
                return
            }
            switch connection.machine.peerClosed() {
            case .close:
                self.closeConnection(connection)
            default:
                // A request is in progress: stop reading, answer it, then close.
                self.setInterest(connection, connection.hasPendingOutput ? .write : .none)
            }
        case .processed(let count):
            let bytes = UnsafeRawBufferPointer(rebasing: self.scratch[0..<count])
            if connection.tls != nil {
                self.receiveCiphertext(connection, bytes)
            } else {
                connection.machine.bytesReceived(bytes)
                self.drive(connection)
            }
        }
    }

    /// Writes pending output; once all of it went out, finishes the response and drives the
    /// connection.
    func writeReady(_ connection: HTTPConnection) {
        guard self.flush(connection) else { return }
        self.afterFlush(connection)
    }

    /// Writes pending output. Returns `true` if it all went out; closes the connection and
    /// returns `false` on a write error.
    func flush(_ connection: HTTPConnection) -> Bool {
        do {
            if try connection.flush() {
                return true
            }
            connection.machine.writeProgressed(now: self.roundNow)
            self.setInterest(connection, .write)
            return false
        } catch {
            // EPIPE, ECONNRESET: the peer went away mid-response.
            self.closeConnection(connection)
            return false
        }
    }

    /// Everything pending was written: finish the response and look at what came next.
    private func afterFlush(_ connection: HTTPConnection) {
        if connection.closeAfterWrite {
            if connection.lingerAfterWrite {
                self.closeLingering(connection)
            } else {
                self.closeConnection(connection)
            }
            return
        }
        if case .writing = connection.machine.state {
            if case .close = connection.machine.writeCompleted(now: self.roundNow) {
                self.closeConnection(connection)
                return
            }
            connection.machine.compact()
        }
        self.drive(connection)
    }

    /// Runs the state machine until it waits for the network or the handler.
    func drive(_ connection: HTTPConnection) {
        while self.connections[connection.descriptor] === connection {
            if connection.hasPendingOutput {
                self.setInterest(connection, .write)
                return
            }
            let now = self.roundNow
            switch connection.machine.nextAction(now: now) {
            case .readMore:
                self.setInterest(connection, connection.machine.isPeerClosed ? .none : .read)
                return
            case .pauseReading:
                self.setInterest(connection, .none)
                return
            case .close:
                self.closeConnection(connection)
                return
            case .sendContinue:
                self.enqueue(connection, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), body: [])
                guard self.flush(connection) else { return }
            case .fail(let error, let language):
                self.writeErrorAndClose(connection, error, language: language)
                return
            case .dispatch:
                self.dispatch(connection, connection.machine.takeRequest())
            }
        }
    }

    private func setInterest(_ connection: HTTPConnection, _ interest: Selector.Interest) {
        guard connection.interest != interest else { return }
        do {
            try self.selector.reregister(connection.descriptor, interest: interest)
            connection.interest = interest
        } catch {
            self.closeConnection(connection)
        }
    }

    /// Closes the connection if it is still the table's: close_notify over TLS, then the
    /// descriptor; resumes accepting if a full table had paused it.
    func closeConnection(_ connection: HTTPConnection) {
        guard self.connections[connection.descriptor] === connection else { return }
        if let tls = connection.tls, tls.isHandshakeComplete {
            // close_notify (RFC 8446 §6.1), sent best effort: the socket closes right after.
            tls.shutdown()
            var alert: [UInt8] = []
            tls.takeCiphertext(into: &alert)
            _ = try? alert.withUnsafeBytes { try Posix.write(descriptor: connection.descriptor, $0) }
        }
        connection.machine.closed()
        self.connections[connection.descriptor] = nil
        self.selector.deregister(connection.descriptor)
        Posix.close(descriptor: connection.descriptor)
        self.metrics.openConnections.subtract(1, ordering: .relaxed)
        if !self.isAccepting && self.acceptResumeAt == nil {
            self.resumeAcceptingIfDue(now: ContinuousClock.now)
        }
    }

    /// Closes after an answer given before the request was read whole (a 413 on its announced
    /// length, a 400 mid-body). Closing a socket with unread input resets the connection, and
    /// the reset can destroy the answer before the client reads it (RFC 9112 §9.6): so the
    /// write side is shut, and what still arrives is read and dropped until the client closes,
    /// `lingerTimeout` passes or `lingerBytes` have been dropped. TLS connections close at once
    /// (their close_notify went out).
    func closeLingering(_ connection: HTTPConnection) {
        guard connection.tls == nil, self.configuration.lingerTimeout > .zero else {
            self.closeConnection(connection)
            return
        }
        guard Glibc.shutdown(connection.descriptor, Int32(SHUT_WR)) == 0 else {
            self.closeConnection(connection)
            return
        }
        connection.lingerUntil = ContinuousClock.now + self.configuration.lingerTimeout
        connection.lingerBudget = self.configuration.lingerBytes
        self.setInterest(connection, .read)
    }

    /// Reads and drops what a lingering connection receives; closes it at its end or budget.
    private func drainLingering(_ connection: HTTPConnection) {
        let result = try? Posix.read(descriptor: connection.descriptor, into: self.scratch)
        switch result {
        case .wouldBlock:
            return
        case .processed(let count) where count > 0:
            connection.lingerBudget -= count
            if connection.lingerBudget <= 0 {
                self.closeConnection(connection)
            }
        default:
            self.closeConnection(connection)
        }
    }

    /// Queues a response's head and body: encrypted into the output over TLS, else the body
    /// kept as it is behind the head.
    func enqueue(_ connection: HTTPConnection, _ head: [UInt8], body: [UInt8]) {
        if let tls = connection.tls {
            do {
                try head.withUnsafeBytes { try tls.write($0) }
                if !body.isEmpty {
                    try body.withUnsafeBytes { try tls.write($0) }
                }
                tls.takeCiphertext(into: &connection.output)
            } catch {
                connection.closeAfterWrite = true
            }
            return
        }
        if connection.output.isEmpty {
            connection.output = head
        } else {
            connection.output.append(contentsOf: head)
        }
        connection.outputBody = body
    }
}
