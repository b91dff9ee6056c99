import Postgres
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Drives a pipeline the way an event loop does: poll the watched descriptors, report what is
/// ready, flush at the end of each round, tick.
final class PollDriver {
    let pipeline: PostgresPipeline
    private(set) var watched: [Int32: PostgresPipeline.Watch] = [:]
    private(set) var watchChanges = 0

    init(_ pipeline: PostgresPipeline) {
        self.pipeline = pipeline
        pipeline.watcher = { [unowned self] old, new in
            self.watchChanges += 1
            if let old { self.watched[old.descriptor] = nil }
            if let new { self.watched[new.descriptor] = new }
        }
    }

    /// Runs rounds until `done` holds or `timeout` passes; returns whether `done` held.
    @discardableResult
    func run(timeout: Duration = .seconds(10), until done: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !done() {
            guard ContinuousClock.now < deadline else { return false }
            self.round()
        }
        return true
    }

    func round() {
        self.pipeline.flush()
        var descriptors = self.watched.values.map { watch in
            pollfd(
                fd: watch.descriptor,
                events: Int16((watch.read ? POLLIN : 0) | (watch.write ? POLLOUT : 0)),
                revents: 0
            )
        }
        _ = poll(&descriptors, nfds_t(descriptors.count), 20)
        for descriptor in descriptors where descriptor.revents != 0 {
            let readable = descriptor.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
            let writable = descriptor.revents & Int16(POLLOUT | POLLHUP | POLLERR) != 0
            self.pipeline.process(descriptor: descriptor.fd, readable: readable, writable: writable)
        }
        self.pipeline.flush()
        self.pipeline.tick()
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct PostgresPipelineTests {
    static let increment = PreparedStatement("SELECT $1::int4 + 1")
    static let divide = PreparedStatement("SELECT 100 / $1::int4")
    static let broken = PreparedStatement("SELEKT $1::int4")

    private func makePipeline(connections: Int = 2, maxOutstanding: Int = 4096) throws -> (PostgresPipeline, PollDriver)
    {
        var options = PostgresPipeline.Options()
        options.connections = connections
        options.maxOutstanding = maxOutstanding
        options.reconnectDelay = .milliseconds(50)
        let pipeline = PostgresPipeline(configuration: try TestDatabase.shared().configuration, options: options)
        let driver = PollDriver(pipeline)
        pipeline.start()
        return (pipeline, driver)
    }

    @Test func manyStatementsInOneRoundEachGetTheirOwnRow() throws {
        let (pipeline, driver) = try self.makePipeline()
        defer { pipeline.close() }
        #expect(driver.run { pipeline.readyConnections == 2 })
        var answers: [Int32: Int32] = [:]
        var failures = 0
        // Several rounds of many statements each, some submitted before the previous answers.
        for round in 0..<5 {
            for index in Int32(0)..<Int32(400) {
                let value = Int32(round) * 1000 + index
                try pipeline.submit(Self.increment, [value]) { result in
                    switch result {
                    case .success(let rows): answers[value] = try? rows.single().decode(0, as: Int32.self)
                    case .failure: failures += 1
                    }
                }
            }
            driver.round()
        }
        #expect(driver.run { answers.count + failures == 2000 })
        #expect(failures == 0)
        #expect(answers.allSatisfy { $0.value == $0.key + 1 })
        #expect(pipeline.outstanding == 0)
    }

    @Test func anErrorFailsOnlyItsOwnStatementNotTheRestOfTheBatch() throws {
        let (pipeline, driver) = try self.makePipeline(connections: 1)
        defer { pipeline.close() }
        #expect(driver.run { pipeline.readyConnections == 1 })
        var results: [Int32: Result<Int32, PostgresError>] = [:]
        for divisor: Int32 in [1, 2, 0, 4, 5, 0, 10] {
            try pipeline.submit(Self.divide, [divisor]) { result in
                results[divisor] = result.flatMap { rows in
                    Result { try rows.single().decode(0, as: Int32.self) }.mapError { $0 as! PostgresError }
                }
            }
        }
        #expect(driver.run { results.count == 6 && pipeline.outstanding == 0 })
        #expect((try? results[1]?.get()) == 100)
        #expect((try? results[4]?.get()) == 25)
        #expect((try? results[10]?.get()) == 10)
        guard case .failure(let error) = results[0] else {
            Issue.record("division by zero did not fail: \(String(describing: results[0]))")
            return
        }
        #expect(error.sqlState == SQLState("22012"))
    }

    @Test func theSessionIsReadOnlySoAWriteFailsInsteadOfBeingRolledBackSilently() throws {
        let (pipeline, driver) = try self.makePipeline(connections: 1)
        defer { pipeline.close() }
        var outcome: Result<PostgresRows, PostgresError>?
        try pipeline.submit(PreparedStatement("CREATE TABLE pipeline_write_attempt (id int)"), []) { outcome = $0 }
        #expect(driver.run { outcome != nil })
        guard case .failure(let error) = outcome else {
            Issue.record("a write succeeded on the read-only pipeline")
            return
        }
        #expect(error.sqlState == SQLState("25006"))
    }

    @Test func aStatementThatCannotBePreparedFailsWithItsSyntaxErrorEveryTime() throws {
        let (pipeline, driver) = try self.makePipeline(connections: 1)
        defer { pipeline.close() }
        var errors: [PostgresError] = []
        var good = 0
        for _ in 0..<3 {
            try pipeline.submit(Self.broken, [1]) { result in
                if case .failure(let error) = result { errors.append(error) }
            }
            try pipeline.submit(Self.increment, [1]) { result in
                if case .success = result { good += 1 }
            }
            driver.round()
        }
        #expect(driver.run { errors.count == 3 && good == 3 })
        #expect(errors.allSatisfy { $0.sqlState == SQLState("42601") })
    }

    @Test func aTerminatedBackendFailsItsStatementsAndTheConnectionIsReplaced() throws {
        let (pipeline, driver) = try self.makePipeline(connections: 1)
        defer { pipeline.close() }
        #expect(driver.run { pipeline.readyConnections == 1 })
        let database = try TestDatabase.shared()
        var pid: Int32?
        try pipeline.submit(PreparedStatement("SELECT pg_backend_pid()"), []) { result in
            pid = try? result.get().single().decode(0, as: Int32.self)
        }
        #expect(driver.run { pid != nil })
        try database.withConnection { connection in
            _ = try connection.query("SELECT pg_terminate_backend($1)", [pid])
        }
        var failure: PostgresError?
        try pipeline.submit(Self.increment, [1]) { result in
            if case .failure(let error) = result { failure = error }
        }
        #expect(driver.run { failure != nil })
        #expect(failure?.isConnectionLevel == true)
        // Replaced after the reconnect delay: statements work again.
        #expect(driver.run { pipeline.readyConnections == 1 })
        var value: Int32?
        try pipeline.submit(Self.increment, [41]) { result in
            value = try? result.get().single().decode(0, as: Int32.self)
        }
        #expect(driver.run { value != nil })
        #expect(value == 42)
    }

    @Test func anUnreachableServerFailsQueuedStatementsAndLaterSubmitsThrow() throws {
        var configuration = try PostgresConfiguration(url: "postgresql://nobody@127.0.0.1:1/none")
        configuration.connectTimeoutSeconds = 2
        var options = PostgresPipeline.Options()
        options.connections = 1
        options.reconnectDelay = .seconds(5)
        let pipeline = PostgresPipeline(configuration: configuration, options: options)
        let driver = PollDriver(pipeline)
        pipeline.start()
        defer { pipeline.close() }
        var failure: PostgresError?
        try pipeline.submit(Self.increment, [1]) { result in
            if case .failure(let error) = result { failure = error }
        }
        #expect(driver.run { failure != nil })
        #expect(failure?.code == .connectionFailed)
        #expect(driver.watched.isEmpty, "a failed connection's descriptor is still watched")
        #expect(throws: PostgresError.self) {
            try pipeline.submit(Self.increment, [1]) { _ in }
        }
    }

    @Test func pastTheOutstandingLimitSubmitRefusesAtOnce() throws {
        let (pipeline, driver) = try self.makePipeline(connections: 1, maxOutstanding: 10)
        defer { pipeline.close() }
        var answered = 0
        for value in Int32(0)..<10 {
            try pipeline.submit(Self.increment, [value]) { _ in answered += 1 }
        }
        #expect {
            try pipeline.submit(Self.increment, [99]) { _ in }
        } throws: { error in
            (error as? PostgresError)?.code == .overloaded
        }
        #expect(driver.run { answered == 10 })
    }

    @Test func closingFailsEverythingOutstandingAndStopsWatching() throws {
        let (pipeline, driver) = try self.makePipeline(connections: 2)
        #expect(driver.run { pipeline.readyConnections == 2 })
        var failures = 0
        for value in Int32(0)..<20 {
            try pipeline.submit(Self.increment, [value]) { result in
                if case .failure = result { failures += 1 }
            }
        }
        pipeline.close()
        #expect(failures == 20)
        #expect(driver.watched.isEmpty)
    }
}
