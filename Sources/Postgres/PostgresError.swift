/// An error from the PostgreSQL layer: connecting, running a statement, or decoding a value.
///
/// `description` is safe to log at info level: it names the kind of failure, the SQLSTATE and
/// the schema objects involved (constraint, table, column), but never SQL text, bind values,
/// the server's message (which can quote a value) or connection secrets. `debugDescription`
/// adds the server's message, detail and hint.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidConfiguration
            case connectionFailed
            case connectionClosed
            case server
            case decoding
            case unexpectedNull
            case protocolViolation
            case copyFailed
            case overloaded
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The URL or settings could not be parsed.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The connection could not be established (refused, unreachable, timed out, rejected).
        public static let connectionFailed = Code(.connectionFailed)
        /// An established connection broke, or was used after `close()`.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server reported an error: see ``PostgresError/sqlState``.
        public static let server = Code(.server)
        /// A value could not be decoded as the requested Swift type.
        public static let decoding = Code(.decoding)
        /// A NULL was read into a non-optional Swift type.
        public static let unexpectedNull = Code(.unexpectedNull)
        /// libpq answered in a way this layer does not expect (a bug here or there).
        public static let protocolViolation = Code(.protocolViolation)
        /// A `COPY` could not be completed.
        public static let copyFailed = Code(.copyFailed)
        /// Too many statements are already waiting; nothing was sent (try again later).
        public static let overloaded = Code(.overloaded)

        public var description: String {
            switch self.base {
            case .invalidConfiguration: "invalidConfiguration"
            case .connectionFailed: "connectionFailed"
            case .connectionClosed: "connectionClosed"
            case .server: "server"
            case .decoding: "decoding"
            case .unexpectedNull: "unexpectedNull"
            case .protocolViolation: "protocolViolation"
            case .copyFailed: "copyFailed"
            case .overloaded: "overloaded"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The SQLSTATE, for server errors (and connection failures the server explained).
    public var sqlState: SQLState?
    /// The server's primary message, or libpq's, with any password removed. May quote values:
    /// not part of `description`.
    public var message: String?
    /// The server's DETAIL field. May quote values: not part of `description`.
    public var detail: String?
    /// The server's HINT field.
    public var hint: String?
    /// The constraint that was violated, if any.
    public var constraint: String?
    /// The schema of the object involved, if any.
    public var schema: String?
    /// The table involved, if any.
    public var table: String?
    /// The column involved, if any (also the column that failed to decode).
    public var column: String?
    /// For decoding errors: the Swift type that was asked for.
    public var expectedType: String?
    /// For decoding errors: the column's PostgreSQL type OID.
    public var typeOID: UInt32?

    public init(
        code: Code,
        sqlState: SQLState? = nil,
        message: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        schema: String? = nil,
        table: String? = nil,
        column: String? = nil,
        expectedType: String? = nil,
        typeOID: UInt32? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.schema = schema
        self.table = table
        self.column = column
        self.expectedType = expectedType
        self.typeOID = typeOID
    }

    /// Whether the connection this error came from can no longer be used.
    public var isConnectionLevel: Bool {
        self.code == .connectionFailed || self.code == .connectionClosed
            || self.sqlState?.errorClass == "08" || self.sqlState == .adminShutdown
    }

    /// Whether a transaction that failed with this error may succeed if run again.
    public var isTransient: Bool {
        self.sqlState == .serializationFailure || self.sqlState == .deadlockDetected
    }

    public var description: String {
        var parts = ["PostgresError.\(self.code)"]
        if let sqlState = self.sqlState {
            parts.append("sqlstate \(sqlState)")
        }
        if let constraint = self.constraint {
            parts.append("constraint \(constraint)")
        }
        if let table = self.table {
            parts.append("table \(self.schema.map { "\($0)." } ?? "")\(table)")
        }
        if let column = self.column {
            parts.append("column \(column)")
        }
        if let expectedType = self.expectedType {
            parts.append("expected \(expectedType)")
        }
        if let typeOID = self.typeOID {
            parts.append("type oid \(typeOID)")
        }
        if self.sqlState == nil, self.code == .connectionFailed || self.code == .invalidConfiguration,
            let message = self.message
        {
            // libpq's own connection messages name host, port and user, never the password
            // (and `message` has been scrubbed of it anyway): useful and safe to log.
            parts.append(message)
        }
        return parts.joined(separator: ", ")
    }

    public var debugDescription: String {
        var text = self.description
        if let message = self.message {
            text += "; message: \(message)"
        }
        if let detail = self.detail {
            text += "; detail: \(detail)"
        }
        if let hint = self.hint {
            text += "; hint: \(hint)"
        }
        return text
    }
}
