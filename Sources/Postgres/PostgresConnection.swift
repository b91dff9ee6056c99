internal import CLibPQ
public import ConnectionPool

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection in blocking mode, for threads that may block (handler threads, the
/// scheduler, command-line tools); never call it from an event-loop thread.
///
/// Statements take input only as bind parameters (`PQexecParams`, `PQexecPrepared`). Results
/// arrive in text form and decode through ``PostgresDecodable``. A connection whose socket
/// broke marks itself broken; a pool then discards it.
///
/// Close it with ``close()``; a connection that was opened and never closed trips an assertion
/// in debug builds.
public final class PostgresConnection: PoolableConnection, @unchecked Sendable {
    // @unchecked: a connection is used by one thread at a time: the one that opened it, or the
    // one a pool leased it to (the pool's lock orders the hand-over). No field is shared.

    /// Most named statements kept per connection; past this the cache is emptied and the
    /// server-side statements deallocated.
    static let statementCacheCapacity = 256

    private var handle: OpaquePointer?
    private var statementNames: [Int: String] = [:]
    private var nextStatementNumber = 0
    private let secrets: [String]
    /// Can transition from `false` to `true` only.
    public private(set) var isBroken = false

    private init(handle: OpaquePointer, secrets: [String]) {
        self.handle = handle
        self.secrets = secrets
    }

    deinit {
        assert(self.handle == nil, "PostgresConnection was not closed before deinitializing")
    }

    /// Opens a connection and sets the session settings the decoders rely on (UTC, ISO dates,
    /// hex `bytea`).
    ///
    /// - Throws: ``PostgresError`` with code `connectionFailed` (the message says why: refused,
    ///   timed out, authentication failed), never containing the password.
    public static func connect(_ configuration: PostgresConfiguration) throws -> PostgresConnection {
        let parameters = configuration.connectParameters
        let secrets = configuration.secrets
        let handle = try withCStringArrays(parameters.map(\.keyword), parameters.map(\.value)) { keywords, values in
            guard let handle = PQconnectdbParams(keywords, values, 1) else {
                throw PostgresError(code: .connectionFailed, message: "out of memory")
            }
            return handle
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
            PQfinish(handle)
            throw PostgresError(
                code: .connectionFailed,
                message: Redaction.scrub(message, secrets: secrets + [configuration.url ?? ""])
            )
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr by default.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle, secrets: secrets)
        do {
            try connection.execute(
                unsafeScript: "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET bytea_output = 'hex'; "
                    + "SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3"
            )
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Closes the connection (`PQfinish`). Safe to call more than once.
    public func close() {
        if let handle = self.handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { self.handle == nil }

    /// The server process ID serving this connection.
    public var backendPID: Int32 {
        self.handle.map { PQbackendPID($0) } ?? 0
    }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int {
        self.handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    // MARK: Statements

    /// Runs one statement with bind parameters (unnamed statement: parsed every time).
    ///
    /// - Parameters:
    ///   - sql: one SQL statement with `$1`, `$2`, … placeholders; never splice input into it.
    ///   - binds: the parameters, `nil` for NULL.
    /// - Returns: the rows (empty for statements that return none).
    /// - Throws: ``PostgresError``; ``PostgresEncodingError`` for a value that cannot be sent.
    @discardableResult
    public func query(_ sql: String, _ binds: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        let handle = try self.liveHandle()
        let buffer = try BindBuffer(binds)
        let result = buffer.withCArrays { types, values, lengths, formats in
            PQexecParams(handle, sql, buffer.count, types, values, lengths, formats, 0)
        }
        return try self.check(result)
    }

    /// Runs a prepared statement: prepared on this connection the first time, executed by name
    /// after that.
    ///
    /// - Throws: as ``query(_:_:)-(String,_)``.
    @discardableResult
    public func query(_ statement: PreparedStatement, _ binds: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        let buffer = try BindBuffer(binds)
        do {
            return try self.executePrepared(statement, buffer)
        } catch let error as PostgresError where error.sqlState == SQLState("26000") {
            // The server forgot our statement (DISCARD ALL, a pooler in between): prepare again.
            self.statementNames.removeAll()
            return try self.executePrepared(statement, buffer)
        }
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ binds: [(any PostgresEncodable)?] = []) throws -> Int {
        try self.query(sql, binds).affectedRows
    }

    /// Runs SQL text that may hold several statements, with no parameters (the simple query
    /// protocol): for migration files and constant SQL only, never for text built from input.
    public func execute(unsafeScript script: String) throws {
        let handle = try self.liveHandle()
        _ = try self.check(PQexec(handle, script))
    }

    /// Quotes an identifier (a channel, a role name) with libpq's `PQescapeIdentifier`, for the
    /// few statements that cannot take a bind parameter (`LISTEN`, `CREATE ROLE`).
    public func quoteIdentifier(_ identifier: String) throws -> String {
        let handle = try self.liveHandle()
        let bytes = Array(identifier.utf8)
        guard !bytes.contains(0), let escaped = PQescapeIdentifier(handle, identifier, bytes.count) else {
            throw PostgresError(code: .decoding, message: "identifier cannot be quoted")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// Sends a notification to `channel` (`pg_notify`), delivered when the transaction commits.
    public func notify(channel: String, payload: String = "") throws {
        try self.query("SELECT pg_notify($1, $2)", [channel, payload])
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// - Parameters:
    ///   - isolation: the isolation level.
    ///   - readOnly: start a `READ ONLY` transaction.
    ///   - body: the work; it gets this connection.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws (after rolling back), or the `BEGIN`/`COMMIT` failure. A body
    ///   that swallowed a statement error leaves the transaction aborted: committing it throws.
    @discardableResult
    public func withTransaction<R>(
        isolation: IsolationLevel = .readCommitted,
        readOnly: Bool = false,
        _ body: (PostgresConnection) throws -> R
    ) throws -> R {
        try self.execute(unsafeScript: readOnly ? isolation.beginStatement + " READ ONLY" : isolation.beginStatement)
        let value: R
        do {
            value = try body(self)
        } catch {
            try? self.execute(unsafeScript: "ROLLBACK")  // best effort: a broken connection is discarded anyway
            throw error
        }
        let handle = try self.liveHandle()
        if PQtransactionStatus(handle) == PQTRANS_INERROR {
            try? self.execute(unsafeScript: "ROLLBACK")  // best effort
            throw PostgresError(
                code: .server,
                sqlState: .inFailedSQLTransaction,
                message: "a statement failed inside the transaction; it was rolled back"
            )
        }
        let commit = try self.check(PQexec(handle, "COMMIT"))
        guard commit.commandTag == "COMMIT" else {
            throw PostgresError(
                code: .server,
                sqlState: .inFailedSQLTransaction,
                message: "the transaction was rolled back"
            )
        }
        return value
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool {
        guard let handle = self.handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    // MARK: Pool support

    public func isHealthyForReuse() -> Bool {
        guard let handle = self.handle, !self.isBroken, PQstatus(handle) == CONNECTION_OK else {
            return false
        }
        // An idle connection has nothing to read. If it has, the server sent something unasked:
        // almost always a FATAL before closing the socket (a shutdown, a terminated backend).
        // Telling that apart from a rare harmless message is not worth it: a new connection
        // costs a few milliseconds, a broken one a failed request.
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) != 0 {
            self.isBroken = true
            return false
        }
        return true
    }

    public func prepareForReuse() -> Bool {
        guard let handle = self.handle, !self.isBroken, PQstatus(handle) == CONNECTION_OK else {
            return false
        }
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE:
            return true
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            // A caller left a transaction open: roll it back rather than pass it on.
            try? self.execute(unsafeScript: "ROLLBACK")  // best effort: checked just below
            return PQtransactionStatus(handle) == PQTRANS_IDLE
        default:
            return false
        }
    }

    // MARK: Internals

    func liveHandle() throws -> OpaquePointer {
        guard let handle = self.handle else {
            throw PostgresError(code: .connectionClosed, message: "the connection was closed")
        }
        if self.isBroken {
            throw PostgresError(code: .connectionClosed, message: "the connection is broken")
        }
        return handle
    }

    private func executePrepared(_ statement: PreparedStatement, _ buffer: BindBuffer) throws -> PostgresRows {
        let handle = try self.liveHandle()
        let name: String
        if let known = self.statementNames[statement.id] {
            name = known
        } else {
            if self.statementNames.count >= Self.statementCacheCapacity {
                try self.execute(unsafeScript: "DEALLOCATE ALL")
                self.statementNames.removeAll()
            }
            name = "shebao_\(self.nextStatementNumber)"
            self.nextStatementNumber += 1
            // No parameter types: the server infers each from the statement (its casts and
            // context), as a statement prepared once must be typed by its text, not by the values
            // of the call that happened to prepare it (an `Int` there once typed `$4` bigint in
            // `make_interval(days => $4)`, which has no such function: 42883 on later calls).
            let prepared = PQprepare(handle, name, statement.sql, buffer.count, nil)
            _ = try self.check(prepared)
            self.statementNames[statement.id] = name
        }
        let result = buffer.withCArrays { _, values, lengths, formats in
            PQexecPrepared(handle, name, buffer.count, values, lengths, formats, 0)
        }
        return try self.check(result)
    }

    /// Turns a libpq result into rows or a thrown error, and notices a broken connection.
    func check(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else {
            throw self.connectionError()
        }
        let rows = PostgresRows(result: _PGResult(result))
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            return rows
        default:
            if let handle = self.handle, PQstatus(handle) != CONNECTION_OK {
                self.isBroken = true
            }
            throw self.serverError(from: result)
        }
    }

    func connectionError() -> PostgresError {
        let message = self.handle.map { String(cString: PQerrorMessage($0)).trimmingTrailingNewlines() }
        if let handle = self.handle, PQstatus(handle) != CONNECTION_OK {
            self.isBroken = true
        }
        return PostgresError(
            code: self.isBroken ? .connectionClosed : .protocolViolation,
            message: message.map { Redaction.scrub($0, secrets: self.secrets) }
        )
    }

    func serverError(from result: OpaquePointer) -> PostgresError {
        var error = PostgresError(result: result, secrets: self.secrets)
        let isConnectionLost = self.isBroken || error.sqlState == nil
        if isConnectionLost, let handle = self.handle, PQstatus(handle) != CONNECTION_OK {
            self.isBroken = true
        }
        if error.sqlState == nil && self.isBroken {
            error.code = .connectionClosed
        }
        return error
    }
}

extension PostgresError {
    /// The error a failed libpq result reports, with its fields and any secret scrubbed from the
    /// message. Code `.server`.
    init(result: OpaquePointer, secrets: [String]) {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        var message = field(UInt8(ascii: "M"))
        if message == nil {
            message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
        }
        self.init(
            code: .server,
            sqlState: field(UInt8(ascii: "C")).map(SQLState.init),
            message: message.map { Redaction.scrub($0, secrets: secrets) },
            detail: field(UInt8(ascii: "D")),
            hint: field(UInt8(ascii: "H")),
            constraint: field(UInt8(ascii: "n")),
            schema: field(UInt8(ascii: "s")),
            table: field(UInt8(ascii: "t")),
            column: field(UInt8(ascii: "c"))
        )
    }
}

/// Calls `body` with two NULL-terminated arrays of C strings, valid only inside `body`.
func withCStringArrays<R>(
    _ first: [String],
    _ second: [String],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) throws -> R
) throws -> R {
    let firstCopies = first.map { strdup($0) }
    let secondCopies = second.map { strdup($0) }
    defer {
        firstCopies.forEach { free($0) }
        secondCopies.forEach { free($0) }
    }
    let firstPointers = firstCopies.map { UnsafePointer($0) } + [nil]
    let secondPointers = secondCopies.map { UnsafePointer($0) } + [nil]
    return try firstPointers.withUnsafeBufferPointer { firstBuffer in
        try secondPointers.withUnsafeBufferPointer { secondBuffer in
            try body(firstBuffer.baseAddress!, secondBuffer.baseAddress!)
        }
    }
}
