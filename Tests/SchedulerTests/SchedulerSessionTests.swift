import Postgres
import TestSupport
import Testing

@testable import Scheduler

/// The scheduler's sessions carry their own timeouts (SCHEDULER.md invariant 10): a frozen
/// scheduler's statements and open transactions end, and with them its locks.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs make test"))
struct SchedulerSessionTests {
    @Test func theSchedulersSessionsHaveAStatementTimeoutAndAnIdleTransactionTimeout() throws {
        let database = try TestDatabase.shared()
        var configuration = SchedulerConfiguration(holder: "test")
        configuration.statementTimeout = .seconds(7)
        configuration.idleInTransactionTimeout = .milliseconds(9500)
        let settings = Scheduler.sessionSettings(database.configuration, configuration: configuration)
        let connection = try PostgresConnection.connect(settings)
        defer { connection.close() }
        let row = try connection.query(
            """
            SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout'), \
            current_setting('application_name')
            """
        ).single()
        #expect(try row.decode(0, as: String.self) == "7s")
        #expect(try row.decode(1, as: String.self) == "9500ms")
        #expect(try row.decode(2, as: String.self) == "shebao-scheduler")
    }
}
