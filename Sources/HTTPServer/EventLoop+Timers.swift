import HTTP1

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Closes lingering connections and handshakes whose time is up, and lets the state machine
    /// of every connection past its deadline answer or close. Called about every 100 ms.
    func sweepTimeouts(now: ContinuousClock.Instant) {
        for connection in self.connections.all {
            if let until = connection.lingerUntil {
                if until <= now { self.closeConnection(connection) }
                continue
            }
            if let deadline = connection.handshakeDeadline, deadline <= now {
                self.closeConnection(connection)
                continue
            }
            guard let deadline = connection.machine.deadline, deadline <= now else { continue }
            switch connection.machine.timeoutTriggered(now: now) {
            case .fail(let error, let language):
                self.writeErrorAndClose(connection, error, language: language)
            case .close:
                self.closeConnection(connection)
            case .readMore, .pauseReading, .dispatch, .sendContinue:
                break
            }
        }
    }

    /// The `Date` field's value, formatted at most once a second.
    func currentDate() -> String {
        let second = time(nil)
        if second != self.dateSecond {
            self.dateSecond = second
            self.dateText = HTTPDate.format(secondsSince1970: second)
        }
        return self.dateText
    }
}
