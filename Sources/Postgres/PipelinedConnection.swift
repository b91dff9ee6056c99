internal import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection in non-blocking pipeline mode, driven by an event loop: it never blocks.
///
/// The owner watches ``descriptor`` for ``wantsRead`` and ``wantsWrite`` and calls
/// ``process(readable:writable:)`` when it is ready, and ``flush()`` once per round of events:
/// the statements submitted during the round go out together, ending in one Sync, and their
/// results come back in order. Many requests share one round trip and one server wake-up.
///
/// The session is **read-only** (`default_transaction_read_only`), enforced by the server: a
/// write fails with SQLSTATE 25006. That is what makes one Sync per batch safe: statements
/// between two Syncs share an implicit transaction, and an error aborts the ones after it. Read
/// statements that were aborted never ran, and running them again is harmless, so they are sent
/// again with the next batch (at most ``maxAttempts`` times). Writes, and anything that needs a
/// transaction or a scope, go through ``PostgresConnection`` on a handler thread.
///
/// Not thread-safe: one event-loop thread owns it.
public final class PipelinedConnection {
    /// Called with a statement's rows or its error, on the owner's thread.
    public typealias Completion = (Result<PostgresRows, PostgresError>) -> Void

    public enum Status: Equatable {
        /// Connecting (TCP, TLS, authentication) or running the session setup.
        case connecting
        /// Taking statements.
        case ready
        /// Broken: every submitted statement has failed; ``close()`` it and open another.
        case failed
    }

    /// How many times a statement aborted by another statement's error is sent again.
    public static let maxAttempts = 3

    /// The session settings the decoders rely on, plus the read-only guarantee. One statement,
    /// as pipeline mode requires.
    static let setupStatement = """
        SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, YMD', false), \
        set_config('bytea_output', 'hex', false), set_config('IntervalStyle', 'iso_8601', false), \
        set_config('extra_float_digits', '3', false), set_config('default_transaction_read_only', 'on', false)
        """

    private struct Query {
        var statement: PreparedStatement
        var binds: BindBuffer
        var completion: Completion
        var attempts: Int
    }

    private enum Expectation {
        case setup
        case prepare(statementID: Int)
        case query(Query)
        case sync
    }

    private var handle: OpaquePointer?
    public private(set) var status: Status = .connecting
    /// The socket to watch; it may change while connecting. -1 once closed.
    public private(set) var descriptor: Int32 = -1
    /// Whether the owner should wait for the socket to be readable.
    public private(set) var wantsRead = false
    /// Whether the owner should wait for the socket to be writable.
    public private(set) var wantsWrite = true
    /// The error that broke the connection, once ``status`` is `.failed`.
    public private(set) var failure: PostgresError?
    /// When connecting must be done.
    public let connectDeadline: ContinuousClock.Instant

    private let secrets: [String]
    /// Submitted, not yet handed to libpq.
    private var unsent: [Query] = []
    /// Handed to libpq, in the order their results come back; `expected[expectedHead...]` are
    /// still awaited.
    private var expected: [Expectation] = []
    private var expectedHead = 0
    private var awaitedQueries = 0
    /// The result of the statement at `expectedHead`, until its terminating NULL arrives.
    private var currentResult: OpaquePointer?
    private var statementNames: [Int: String] = [:]
    private var nextStatementNumber = 0
    /// Failed preparations in the current batch: the statements aborted after them get this
    /// error instead of another attempt.
    private var prepareErrors: [Int: PostgresError] = [:]

    /// Starts connecting (`PQconnectStartParams`); nothing blocks.
    ///
    /// - Throws: ``PostgresError`` with code `connectionFailed` if libpq refuses at once (out of
    ///   memory, an invalid option).
    public init(configuration: PostgresConfiguration, now: ContinuousClock.Instant = .now) throws {
        let parameters = configuration.connectParameters
        self.secrets = configuration.secrets + [configuration.url ?? ""]
        self.connectDeadline = now + .seconds(configuration.connectTimeoutSeconds)
        let handle = try withCStringArrays(parameters.map(\.keyword), parameters.map(\.value)) { keywords, values in
            PQconnectStartParams(keywords, values, 1)
        }
        guard let handle else {
            throw PostgresError(code: .connectionFailed, message: "out of memory")
        }
        self.handle = handle
        guard PQstatus(handle) != CONNECTION_BAD else {
            let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
            PQfinish(handle)
            self.handle = nil
            throw PostgresError(code: .connectionFailed, message: Redaction.scrub(message, secrets: self.secrets))
        }
        self.descriptor = PQsocket(handle)
    }

    deinit {
        assert(self.handle == nil, "PipelinedConnection was not closed before deinitializing")
    }

    /// Statements submitted and not yet answered.
    public var outstanding: Int { self.unsent.count + self.awaitedQueries }

    /// Queues `statement`; it is sent at the next ``flush()``. `completion` is called exactly
    /// once, on the owner's thread, never from inside this call.
    ///
    /// - Throws: ``PostgresEncodingError`` for a value that cannot be sent (nothing is queued).
    public func submit(
        _ statement: PreparedStatement,
        _ binds: [(any PostgresEncodable)?],
        completion: @escaping Completion
    ) throws {
        self.unsent.append(
            Query(statement: statement, binds: try BindBuffer(binds), completion: completion, attempts: 0)
        )
    }

    /// Reacts to readiness of ``descriptor``.
    public func process(readable: Bool, writable: Bool) {
        guard let handle = self.handle else { return }
        switch self.status {
        case .failed:
            return
        case .connecting where self.expected.isEmpty:
            self.pollConnect(handle)
        case .connecting, .ready:
            if readable {
                guard PQconsumeInput(handle) == 1 else {
                    self.fail(self.connectionError(handle))
                    return
                }
                self.readResults(handle)
            }
            if (writable || self.wantsWrite) && self.handle != nil && self.status != .failed {
                self.pushOutput(handle)
            }
        }
    }

    /// Sends what was submitted since the last flush: one batch ending in one Sync.
    public func flush() {
        guard let handle = self.handle, self.status == .ready, !self.unsent.isEmpty else { return }
        let batch = self.unsent
        self.unsent.removeAll(keepingCapacity: true)
        for (index, query) in batch.enumerated() {
            guard self.send(query, handle) else {
                let error = self.connectionError(handle)
                self.unsent = Array(batch[index...])
                self.fail(error)
                return
            }
        }
        guard PQpipelineSync(handle) == 1 else {
            self.fail(self.connectionError(handle))
            return
        }
        self.expected.append(.sync)
        self.pushOutput(handle)
    }

    /// Fails statements still waiting if connecting has not finished by ``connectDeadline``.
    public func checkDeadline(now: ContinuousClock.Instant) {
        if self.status == .connecting && now >= self.connectDeadline {
            self.fail(PostgresError(code: .connectionFailed, message: "timed out connecting"))
        }
    }

    /// Closes the socket and fails whatever is outstanding. Safe to call more than once. Stop
    /// watching ``descriptor`` first: its number may be reused right after.
    public func close() {
        if self.status != .failed {
            self.fail(PostgresError(code: .connectionClosed, message: "the connection was closed"))
        }
        // Statements submitted after the failure (by a completion, say) fail here.
        let error = self.failure ?? PostgresError(code: .connectionClosed, message: "the connection was closed")
        while !self.unsent.isEmpty {
            let late = self.unsent
            self.unsent = []
            for query in late {
                query.completion(.failure(error))
            }
        }
        if let handle = self.handle {
            PQfinish(handle)
            self.handle = nil
        }
        self.descriptor = -1
    }

    // MARK: Connecting

    private func pollConnect(_ handle: OpaquePointer) {
        switch PQconnectPoll(handle) {
        case PGRES_POLLING_READING:
            (self.wantsRead, self.wantsWrite) = (true, false)
        case PGRES_POLLING_WRITING:
            (self.wantsRead, self.wantsWrite) = (false, true)
        case PGRES_POLLING_OK:
            PQsetNoticeProcessor(handle, { _, _ in }, nil)
            guard PQsetnonblocking(handle, 1) == 0, PQenterPipelineMode(handle) == 1,
                PQsendQueryParams(handle, Self.setupStatement, 0, nil, nil, nil, nil, 0) == 1,
                PQpipelineSync(handle) == 1
            else {
                self.fail(self.connectionError(handle))
                return
            }
            self.expected += [.setup, .sync]
            self.wantsRead = true
            self.pushOutput(handle)
        default:
            let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
            self.fail(PostgresError(code: .connectionFailed, message: Redaction.scrub(message, secrets: self.secrets)))
            return
        }
        self.descriptor = PQsocket(handle)
    }

    // MARK: Sending

    private func send(_ query: Query, _ handle: OpaquePointer) -> Bool {
        let id = query.statement.id
        let name: String
        if let known = self.statementNames[id] {
            name = known
        } else {
            if self.statementNames.count >= PostgresConnection.statementCacheCapacity {
                // Forget the names; the server keeps the old statements, which costs only memory
                // on a connection that is replaced when it breaks.
                self.statementNames.removeAll()
            }
            name = "shebao_p\(self.nextStatementNumber)"
            self.nextStatementNumber += 1
            // Typed by the statement's text, not by this call's values (see
            // `PostgresConnection.executePrepared`).
            let sent = PQsendPrepare(handle, name, query.statement.sql, query.binds.count, nil)
            guard sent == 1 else { return false }
            self.statementNames[id] = name
            self.expected.append(.prepare(statementID: id))
        }
        let sent = query.binds.withCArrays { _, values, lengths, formats in
            PQsendQueryPrepared(handle, name, query.binds.count, values, lengths, formats, 0)
        }
        guard sent == 1 else { return false }
        self.expected.append(.query(query))
        self.awaitedQueries += 1
        return true
    }

    private func pushOutput(_ handle: OpaquePointer) {
        switch PQflush(handle) {
        case 0:
            self.wantsWrite = false
        case 1:
            self.wantsWrite = true
        default:
            self.fail(self.connectionError(handle))
        }
    }

    // MARK: Receiving

    private func readResults(_ handle: OpaquePointer) {
        var nullsBeforeSync = 0
        while self.expectedHead < self.expected.count, self.handle != nil, self.status != .failed {
            guard PQisBusy(handle) == 0 else { break }
            let result = PQgetResult(handle)
            if case .sync = self.expected[self.expectedHead] {
                guard let result else {
                    // Tolerate one stray NULL before a Sync; more means libpq has nothing yet.
                    nullsBeforeSync += 1
                    if nullsBeforeSync > 1 { break }
                    continue
                }
                nullsBeforeSync = 0
                let isSync = PQresultStatus(result) == PGRES_PIPELINE_SYNC
                let error = isSync ? nil : PostgresError(result: result, secrets: self.secrets)
                PQclear(result)
                guard isSync else {
                    self.fail(
                        PQstatus(handle) == CONNECTION_OK
                            ? PostgresError(code: .protocolViolation, message: "expected a pipeline sync")
                            : error ?? self.connectionError(handle)
                    )
                    return
                }
                self.popExpectation()
                self.prepareErrors.removeAll()
                if self.status == .connecting {
                    self.status = .ready
                }
                continue
            }
            if let result {
                if self.currentResult == nil {
                    self.currentResult = result
                } else {
                    PQclear(result)
                }
                continue
            }
            // NULL: the statement at the head is complete.
            let finished = self.currentResult
            self.currentResult = nil
            let expectation = self.expected[self.expectedHead]
            self.popExpectation()
            self.finish(expectation, finished, handle)
        }
        if self.expectedHead == self.expected.count && self.expectedHead > 0 {
            self.expected.removeAll(keepingCapacity: true)
            self.expectedHead = 0
        } else if self.expectedHead >= 1024 && 2 * self.expectedHead >= self.expected.count {
            // Under steady load the queue never empties: drop the answered part now and then.
            self.expected.removeFirst(self.expectedHead)
            self.expectedHead = 0
        }
        if let handle = self.handle, PQstatus(handle) != CONNECTION_OK && self.status != .failed {
            self.fail(self.connectionError(handle))
        }
    }

    private func popExpectation() {
        self.expected[self.expectedHead] = .sync
        self.expectedHead += 1
    }

    private func finish(_ expectation: Expectation, _ result: OpaquePointer?, _ handle: OpaquePointer) {
        let status = result.map { PQresultStatus($0) }
        switch expectation {
        case .sync:
            break
        case .setup:
            defer { result.map { PQclear($0) } }
            guard status == PGRES_TUPLES_OK else {
                self.fail(
                    result.map { PostgresError(result: $0, secrets: self.secrets) } ?? self.connectionError(handle)
                )
                return
            }
        case .prepare(let id):
            defer { result.map { PQclear($0) } }
            if status == PGRES_PIPELINE_ABORTED {
                // Not prepared because something before it failed: prepared again next time.
                self.statementNames[id] = nil
            } else if status != PGRES_COMMAND_OK {
                self.statementNames[id] = nil
                let error =
                    result.map { PostgresError(result: $0, secrets: self.secrets) } ?? self.connectionError(handle)
                self.prepareErrors[id] = error
                if error.isConnectionLevel {
                    self.fail(error)
                }
            }
        case .query(var query):
            self.awaitedQueries -= 1
            guard let result else {
                query.completion(.failure(self.connectionError(handle)))
                return
            }
            switch status {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                query.completion(.success(PostgresRows(result: _PGResult(result))))
            case PGRES_PIPELINE_ABORTED:
                PQclear(result)
                if let error = self.prepareErrors[query.statement.id] {
                    query.completion(.failure(error))
                } else if query.attempts + 1 < Self.maxAttempts {
                    query.attempts += 1
                    self.unsent.append(query)
                } else {
                    query.completion(
                        .failure(
                            PostgresError(
                                code: .server,
                                message: "aborted \(Self.maxAttempts) times by other statements' errors"
                            )
                        )
                    )
                }
            default:
                let error = PostgresError(result: result, secrets: self.secrets)
                PQclear(result)
                if error.sqlState == SQLState("26000") && query.attempts + 1 < Self.maxAttempts {
                    // The server forgot our statement (DISCARD ALL): prepare it again.
                    self.statementNames.removeAll()
                    query.attempts += 1
                    self.unsent.append(query)
                } else {
                    query.completion(.failure(error))
                    if error.isConnectionLevel {
                        // A FATAL (the backend was terminated, the server shuts down): the
                        // socket closes next; take no more statements. (Same for a prepare.)
                        self.fail(error)
                    }
                }
            }
        }
    }

    // MARK: Failure

    private func fail(_ error: PostgresError) {
        guard self.status != .failed else { return }
        self.status = .failed
        self.failure = error
        self.wantsRead = false
        self.wantsWrite = false
        if let result = self.currentResult {
            PQclear(result)
            self.currentResult = nil
        }
        let waiting = self.expected[self.expectedHead...].compactMap { expectation -> Query? in
            if case .query(let query) = expectation { return query }
            return nil
        }
        let queued = self.unsent
        self.expected = []
        self.expectedHead = 0
        self.unsent = []
        self.awaitedQueries = 0
        for query in waiting + queued {
            query.completion(.failure(error))
        }
    }

    private func connectionError(_ handle: OpaquePointer) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
        return PostgresError(
            code: PQstatus(handle) == CONNECTION_OK ? .protocolViolation : .connectionClosed,
            message: Redaction.scrub(message.isEmpty ? "the connection failed" : message, secrets: self.secrets)
        )
    }
}
