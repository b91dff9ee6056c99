import TLS

extension EventLoop {
    /// Feeds what a TLS connection's socket gave to its session, sends what the handshake or an
    /// alert produced, and drives the connection with the plaintext.
    func receiveCiphertext(_ connection: HTTPConnection, _ bytes: UnsafeRawBufferPointer) {
        guard let tls = connection.tls else { return }
        tls.receiveCiphertext(bytes)
        var plaintext: [UInt8] = []
        var isClosed = false
        do {
            readLoop: while true {
                switch try tls.read(into: &plaintext) {
                case .progress:
                    continue
                case .incomplete:
                    break readLoop
                case .closed:
                    isClosed = true
                    break readLoop
                }
            }
        } catch {
            // A failed handshake or a bad record: send the alert, then close.
            tls.takeCiphertext(into: &connection.output)
            connection.closeAfterWrite = true
            if self.flush(connection) {
                self.closeConnection(connection)
            }
            return
        }
        if tls.isHandshakeComplete {
            connection.handshakeDeadline = nil
        }
        if tls.hasCiphertextToSend {
            tls.takeCiphertext(into: &connection.output)
            guard self.flush(connection) else { return }
        }
        if !plaintext.isEmpty {
            plaintext.withUnsafeBytes { connection.machine.bytesReceived($0) }
        }
        if isClosed {
            if case .close = connection.machine.peerClosed() {
                self.closeConnection(connection)
                return
            }
        }
        self.drive(connection)
    }
}
