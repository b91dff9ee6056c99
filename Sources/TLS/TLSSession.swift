internal import COpenSSL

/// One server-side connection's TLS state, over two memory BIOs: the caller moves ciphertext
/// between the socket and this object, so nothing here blocks or touches a file descriptor.
///
/// A round for the event loop: when the socket is readable, pass what it read to
/// ``receiveCiphertext(_:)`` and call ``read(into:)``; after every call, if
/// ``hasCiphertextToSend``, send what ``takeCiphertext(into:)`` hands over (handshake messages,
/// records, alerts, close_notify). Each ``read(into:)`` consumes all the ciphertext it can, so
/// after ``TLSSession/ReadResult/progress`` as after ``TLSSession/ReadResult/incomplete`` the
/// next step is to wait for the socket (calling `read` again first is harmless: it answers
/// `incomplete`).
///
/// Confined to one thread (the event loop's): not `Sendable`. The `SSL` object is freed in
/// `deinit`, which is safe because with memory BIOs SSL_free(3) does no I/O and sends nothing;
/// call ``shutdown()`` first for an orderly close.
public final class TLSSession {
    /// What ``read(into:)`` achieved.
    public enum ReadResult: Equatable, Sendable {
        /// Plaintext was appended, or the handshake advanced (it produced messages to send, or
        /// completed).
        case progress
        /// Nothing happened: more ciphertext is needed first.
        case incomplete
        /// The peer sent close_notify: it will send no more data (plaintext that preceded it was
        /// appended).
        case closed
    }

    private let ssl: OpaquePointer
    /// Ciphertext from the peer, read by OpenSSL. Owned by `ssl` (SSL_set_bio(3)).
    private let incoming: OpaquePointer
    /// Ciphertext for the peer, written by OpenSSL. Owned by `ssl`.
    private let outgoing: OpaquePointer
    /// The first fatal error: OpenSSL must not be asked to continue after one (SSL_shutdown(3)),
    /// so every later call reports it again.
    private var failure: TLSError?
    /// Whether ``shutdown()`` queued close_notify; no application data may follow it.
    private var isShutDown = false

    /// A session that waits for a ClientHello.
    ///
    /// - Throws: ``TLSError`` with code ``TLSError/Code/configuration`` if OpenSSL cannot
    ///   allocate the session.
    public init(context: TLSContext) throws {
        ERR_clear_error()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError(code: .configuration, message: OpenSSLErrorQueue.message("cannot create an SSL session"))
        }
        // A memory BIO is empty until written, and then reports "retry" (not end of file) to
        // OpenSSL, which surfaces as SSL_ERROR_WANT_READ (BIO_s_mem(3)).
        guard let incoming = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError(code: .configuration, message: OpenSSLErrorQueue.message("cannot create a memory BIO"))
        }
        guard let outgoing = BIO_new(BIO_s_mem()) else {
            BIO_free(incoming)
            SSL_free(ssl)
            throw TLSError(code: .configuration, message: OpenSSLErrorQueue.message("cannot create a memory BIO"))
        }
        SSL_set_bio(ssl, incoming, outgoing)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
    }

    deinit {
        // SSL_free(3) also frees both BIOs; with memory BIOs it sends nothing and touches no socket.
        SSL_free(self.ssl)
    }

    /// Hands over ciphertext the event loop read from the socket. It is buffered until
    /// ``read(into:)`` consumes it; if it cannot be buffered, the next ``read(into:)`` throws.
    public func receiveCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard self.failure == nil, let base = bytes.baseAddress else {
            return
        }
        var offset = 0
        while offset < bytes.count {
            var written = 0
            ERR_clear_error()
            // Writing to a memory BIO only fails when its buffer cannot grow (out of memory, or
            // about 1.5 GiB unread): the peer's fault or the caller's, so not a crash.
            guard BIO_write_ex(self.incoming, base + offset, bytes.count - offset, &written) == 1, written > 0 else {
                self.failure = TLSError(
                    code: .protocolViolation,
                    message: OpenSSLErrorQueue.message("cannot buffer \(bytes.count - offset) bytes of ciphertext")
                )
                return
            }
            offset += written
        }
    }

    /// Advances the handshake if it is not done, then decrypts all the records it can, appending
    /// their plaintext to `plaintext`.
    ///
    /// Check ``hasCiphertextToSend`` afterwards, whatever the outcome: handshake messages,
    /// session tickets and alerts come out of this call.
    ///
    /// - Throws: ``TLSError`` with code ``TLSError/Code/handshake`` if the handshake fails, or
    ///   ``TLSError/Code/protocolViolation`` for a bad record or a fatal alert after it. The
    ///   alert for the peer, if any, is then waiting in ``takeCiphertext(into:)``; send it and
    ///   close the connection.
    public func read(into plaintext: inout [UInt8]) throws -> ReadResult {
        if let failure = self.failure {
            throw failure
        }
        var progressed = false
        if !self.isHandshakeComplete {
            let pendingBefore = shebao_BIO_pending(self.outgoing)
            ERR_clear_error()
            let rc = SSL_do_handshake(self.ssl)
            guard rc == 1 else {
                switch SSL_get_error(self.ssl, rc) {
                case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                    // A flight of the server's (ServerHello through Finished) is progress even
                    // though the handshake now waits for the client's next flight.
                    return shebao_BIO_pending(self.outgoing) > pendingBefore ? .progress : .incomplete
                default:
                    throw self.fail(.handshake, "TLS handshake failed")
                }
            }
            progressed = true
        }
        while true {
            var count = 0
            ERR_clear_error()
            let rc = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.readChunk) { buffer in
                let rc = SSL_read_ex(self.ssl, buffer.baseAddress, buffer.count, &count)
                if rc == 1 {
                    plaintext.append(contentsOf: buffer[..<count])
                }
                return rc
            }
            if rc == 1 {
                progressed = true
                continue
            }
            switch SSL_get_error(self.ssl, rc) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return progressed ? .progress : .incomplete
            case SSL_ERROR_ZERO_RETURN:
                return .closed
            default:
                throw self.fail(.protocolViolation, "cannot read a TLS record")
            }
        }
    }

    /// Whether the handshake has completed, so application data can flow both ways.
    public var isHandshakeComplete: Bool {
        SSL_is_init_finished(self.ssl) == 1
    }

    /// Encrypts `bytes` into records; the ciphertext is then available from
    /// ``takeCiphertext(into:)``. All of `bytes` is consumed.
    ///
    /// - Throws: ``TLSError`` with code ``TLSError/Code/handshake`` before the handshake
    ///   completed, ``TLSError/Code/closed`` after ``shutdown()``, or the error that ended the
    ///   session.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure = self.failure {
            throw failure
        }
        guard !self.isShutDown else {
            throw TLSError(code: .closed, message: "cannot write application data after shutdown()")
        }
        guard self.isHandshakeComplete else {
            throw TLSError(code: .handshake, message: "cannot write application data before the handshake completed")
        }
        guard let base = bytes.baseAddress else {
            return
        }
        var offset = 0
        while offset < bytes.count {
            var written = 0
            ERR_clear_error()
            let rc = SSL_write_ex(self.ssl, base + offset, bytes.count - offset, &written)
            guard rc == 1 else {
                // The outgoing memory BIO always accepts data, and renegotiation is off, so
                // OpenSSL has no reason to want I/O here: any failure is final.
                throw self.fail(.protocolViolation, "cannot write a TLS record")
            }
            offset += written
        }
    }

    /// Whether ciphertext is waiting to be sent (handshake messages, records, alerts,
    /// close_notify).
    public var hasCiphertextToSend: Bool {
        shebao_BIO_pending(self.outgoing) > 0
    }

    /// Moves all pending ciphertext to the end of `buffer`.
    public func takeCiphertext(into buffer: inout [UInt8]) {
        while true {
            let pending = shebao_BIO_pending(self.outgoing)
            guard pending > 0 else {
                return
            }
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: pending))
            var count = 0
            ERR_clear_error()
            let ok = buffer.withUnsafeMutableBytes { bytes in
                BIO_read_ex(self.outgoing, bytes.baseAddress! + start, pending, &count)
            }
            buffer.removeLast(pending - (ok == 1 ? count : 0))
            guard ok == 1 else {
                return
            }
        }
    }

    /// Queues close_notify (RFC 8446 section 6.1); the caller then sends ``takeCiphertext(into:)``
    /// and closes the socket without waiting for the peer's close_notify, as the RFC allows.
    ///
    /// Does nothing before the handshake completed or after it failed: there is no secure channel
    /// to close, and SSL_shutdown(3) must not be called after a fatal error.
    public func shutdown() {
        guard self.failure == nil, !self.isShutDown, self.isHandshakeComplete else {
            return
        }
        self.isShutDown = true
        ERR_clear_error()
        // 0 means close_notify was queued and the peer's is still to come, 1 that both are done.
        if SSL_shutdown(self.ssl) < 0 {
            ERR_clear_error()
        }
    }

    /// The application protocol agreed through ALPN (`"http/1.1"`), or `nil` if the client
    /// offered none or the handshake has not got that far.
    public var negotiatedALPN: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &data, &length)
        guard let data, length > 0 else {
            return nil
        }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The protocol version in use (`"TLSv1.3"`, `"TLSv1.2"`), once the handshake completed.
    public var negotiatedVersion: String? {
        guard self.isHandshakeComplete, let name = SSL_get_version(self.ssl) else {
            return nil
        }
        return String(cString: name)
    }

    /// The largest plaintext of one TLS record (RFC 8446 section 5.1).
    private static let readChunk = 16_384

    /// Records `summary` and OpenSSL's errors as the session's final error.
    private func fail(_ code: TLSError.Code, _ summary: String) -> TLSError {
        let error = TLSError(code: code, message: OpenSSLErrorQueue.message(summary))
        self.failure = error
        return error
    }
}

@available(*, unavailable)
extension TLSSession: Sendable {}
