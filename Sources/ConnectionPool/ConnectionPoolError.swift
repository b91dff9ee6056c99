/// An error from a ``ConnectionPool`` itself (errors opening a connection are passed through).
public struct ConnectionPoolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case acquireTimeout
            case poolClosed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// No connection became free within the acquire timeout: every connection was in use.
        public static let acquireTimeout = Code(.acquireTimeout)
        /// The pool was closed; it hands out no more connections.
        public static let poolClosed = Code(.poolClosed)

        public var description: String {
            switch self.base {
            case .acquireTimeout: "acquireTimeout"
            case .poolClosed: "poolClosed"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// The pool's maximum size, for the message.
    public let maximumConnections: Int
    /// How long the caller waited, for the message.
    public let waited: Duration

    public init(code: Code, maximumConnections: Int, waited: Duration) {
        self.code = code
        self.maximumConnections = maximumConnections
        self.waited = waited
    }

    public var description: String {
        switch self.code {
        case .acquireTimeout:
            "connection pool exhausted: all \(self.maximumConnections) connections stayed busy for \(self.waited)"
        case .poolClosed:
            "connection pool is closed"
        default:
            "connection pool error \(self.code)"
        }
    }
}
