public import Postgres

/// Work that runs on a clock (housekeeping, the audit anchor). Its next run is a row of
/// `shebao.recurring_job`, claimed under a lease like outbox rows, so that of any number of
/// schedulers exactly one runs it each time.
public protocol RecurringJob: Sendable {
    /// The job's row in `shebao.recurring_job` (`housekeeping`, `audit.anchor`).
    var kind: String { get }
    /// The time from the end of one run to the next.
    var interval: Duration { get }

    /// Runs once, inside the transaction that holds the job's lease (its fenced touch came
    /// first, and its completion follows in the same transaction). The transaction has no
    /// scope: a job enters the scope of each office it works for with `Store.apply`.
    ///
    /// - Returns: a line for the log, what it did.
    /// - Throws: anything; the transaction rolls back and the job is tried again after a
    ///   minute (or its interval, if shorter).
    func run(on connection: PostgresConnection) throws -> String
}
