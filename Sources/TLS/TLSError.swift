/// A TLS failure: bad configuration, a failed handshake, a bad record, or use after close.
///
/// `message` holds this module's explanation followed by OpenSSL's error strings (library and
/// reason, e.g. `error:0A00010B:SSL routines::wrong version number`). Neither ever contains key
/// material or application data, so the whole error is safe to log.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case configuration
            case handshake
            case protocolViolation
            case closed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The certificate, the key or the OpenSSL context could not be set up.
        public static let configuration = Code(.configuration)
        /// The handshake failed: the peer sent something unacceptable (or not TLS at all), or
        /// offered nothing this server accepts (protocol version, cipher suite, ALPN protocol).
        public static let handshake = Code(.handshake)
        /// After the handshake, the peer sent a record that does not decrypt or parse, or a
        /// fatal alert.
        public static let protocolViolation = Code(.protocolViolation)
        /// The session was used after it was shut down.
        public static let closed = Code(.closed)

        public var description: String {
            switch self.base {
            case .configuration: "configuration"
            case .handshake: "handshake"
            case .protocolViolation: "protocolViolation"
            case .closed: "closed"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, with OpenSSL's error strings. Safe to log.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "TLSError.\(self.code): \(self.message)"
    }
}
