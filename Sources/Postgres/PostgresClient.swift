public import ConnectionPool

#if canImport(Glibc)
    import Glibc
#endif

/// The process's way to the database: a bounded pool of ``PostgresConnection``s with the
/// transaction helpers on top. Calls block the calling thread: use it from handler threads and
/// the scheduler, never from an event-loop thread.
public final class PostgresClient: Sendable {
    /// The pool underneath, for statistics and direct leases.
    public let pool: ConnectionPool<PostgresConnection>
    /// How to reach the server.
    public let configuration: PostgresConfiguration

    /// A client whose pool opens connections with `configuration` when it needs them.
    ///
    /// - Parameters:
    ///   - configuration: the server and credentials.
    ///   - pool: maximum connections and acquire timeout.
    public init(
        configuration: PostgresConfiguration,
        pool: ConnectionPool<PostgresConnection>.Configuration = .init()
    ) {
        self.configuration = configuration
        self.pool = ConnectionPool(configuration: pool) {
            try PostgresConnection.connect(configuration)
        }
    }

    /// Runs `body` with a pooled connection, in autocommit mode unless `body` opens a transaction.
    ///
    /// - Throws: ``ConnectionPoolError`` when no connection frees up in time, ``PostgresError``
    ///   when none can be opened, or what `body` throws. A connection that broke is discarded.
    public func withConnection<R>(_ body: (PostgresConnection) throws -> R) throws -> R {
        try self.pool.withConnection(body)
    }

    /// Runs `body` in a transaction on a pooled connection, and runs it again (up to
    /// `maxAttempts` times in all) when it fails with a serialization failure or a deadlock, or
    /// when the connection turns out broken before `body` started.
    ///
    /// `body` may therefore run more than once: it must not have effects outside the database.
    ///
    /// - Returns: what `body` returns from the attempt that committed.
    /// - Throws: the last error when attempts run out, or the first error that is not transient.
    @discardableResult
    public func withTransaction<R>(
        isolation: IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        maxAttempts: Int = 3,
        _ body: (PostgresConnection) throws -> R
    ) throws -> R {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        var attempt = 1
        while true {
            var hasBodyStarted = false
            do {
                return try self.pool.withConnection { connection in
                    try connection.withTransaction(isolation: isolation, readOnly: readOnly) { tx in
                        hasBodyStarted = true
                        return try body(tx)
                    }
                }
            } catch let error as PostgresError
                where attempt < maxAttempts && (error.isTransient || (error.isConnectionLevel && !hasBodyStarted))
            {
                // Back off a little, more each time, with jitter so that two conflicting
                // transactions do not collide again in lockstep.
                let baseMicroseconds = 2_000 * (1 << min(attempt, 6))
                usleep(UInt32(baseMicroseconds + Int.random(in: 0..<baseMicroseconds)))
                attempt += 1
            }
        }
    }

    /// Runs one statement in autocommit mode on a pooled connection.
    @discardableResult
    public func query(_ sql: String, _ binds: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        try self.pool.withConnection { try $0.query(sql, binds) }
    }

    /// Runs one prepared statement in autocommit mode on a pooled connection.
    @discardableResult
    public func query(_ statement: PreparedStatement, _ binds: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        try self.pool.withConnection { try $0.query(statement, binds) }
    }

    /// Closes the pool: idle connections now, leased ones when they come back.
    public func close() {
        self.pool.close()
    }
}
