import Synchronization

/// A statement that each connection prepares once (a named server-side prepared statement) and
/// then executes by name: parse and plan once, bind and execute many times. For hot paths.
///
/// Declare it once, as a `static let`, and pass it to ``PostgresConnection/query(_:_:)-(PreparedStatement,_)``.
/// Each connection keeps a bounded cache from statement text to name.
public struct PreparedStatement: Hashable, Sendable {
    /// The SQL text, with `$1`, `$2`, … for parameters.
    public let sql: String
    /// Identifies the statement in each connection's cache without hashing its text.
    let id: Int

    private static let nextID = Atomic<Int>(0)

    public init(_ sql: String) {
        self.sql = sql
        self.id = Self.nextID.add(1, ordering: .relaxed).newValue
    }
}

/// Transaction isolation levels (PostgreSQL's `BEGIN ISOLATION LEVEL …`).
public enum IsolationLevel: Sendable {
    case readCommitted
    case repeatableRead
    case serializable

    var beginStatement: String {
        switch self {
        case .readCommitted: "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}

/// A message sent with `NOTIFY` (or `pg_notify`) to a channel this connection listens on.
public struct PostgresNotification: Sendable, Equatable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload; empty if none was given.
    public var payload: String
    /// The PID of the sending server process.
    public var senderPID: Int32
}
