public import Postgres
internal import Store

/// Deletes what has outlived its use, in the scope of each top office (its subtree is every
/// office below it), as the application role: sessions ended (expired or revoked) longer ago
/// than ``Retention/sessions``, insured persons' log-in codes expired longer ago than
/// ``Retention/loginCodes``, idempotency keys older than ``Retention/idempotencyKeys`` (a
/// retried request after that is a new request), and log-in attempts older than
/// ``Retention/loginAttempts`` (never less than a day, which the database enforces).
public struct HousekeepingJob: RecurringJob {
    /// How long each kind of row is kept past its end.
    public struct Retention: Sendable, Equatable {
        /// After a session expired or was revoked: a week.
        public var sessions: Duration = .seconds(7 * 86_400)
        /// After a log-in code expired: a day.
        public var loginCodes: Duration = .seconds(86_400)
        /// After a log-in attempt: 90 days.
        public var loginAttempts: Duration = .seconds(90 * 86_400)
        /// After an idempotency key was first used: 24 hours, the window in which a client may
        /// retry a request and get its first answer again.
        public var idempotencyKeys: Duration = .seconds(86_400)

        public init() {}
    }

    public let kind = "housekeeping"
    public let interval: Duration
    /// How long rows are kept.
    public let retention: Retention

    /// - Parameters:
    ///   - interval: from the end of one run to the next (default an hour).
    ///   - retention: how long each kind of row is kept.
    public init(interval: Duration = .seconds(3600), retention: Retention = Retention()) {
        self.interval = interval
        self.retention = retention
    }

    public func run(on connection: PostgresConnection) throws -> String {
        var sessions = 0
        var codes = 0
        var keys = 0
        let offices = try connection.query(Self.topOffices).map { try $0.decode(0, as: Int64.self) }
        for office in offices {
            try Store.apply(.office(id: office), principal: .system, on: connection)
            sessions += try connection.query(Self.deleteSessions, [self.retention.sessions.milliseconds]).affectedRows
            codes += try connection.query(Self.deleteLoginCodes, [self.retention.loginCodes.milliseconds]).affectedRows
            keys += try connection.query(Self.deleteIdempotencyKeys, [self.retention.idempotencyKeys.milliseconds])
                .affectedRows
        }
        try Store.apply(.none, principal: .system, on: connection)
        let attempts = try connection.query(Self.deleteLoginAttempts, [self.retention.loginAttempts.milliseconds])
            .single().decode(0, as: Int64.self)
        return
            "deleted \(sessions) sessions, \(codes) log-in codes, \(keys) idempotency keys, \(attempts) log-in attempts"
    }

    static let topOffices = PreparedStatement("SELECT shebao.top_offices()")
    static let deleteSessions = PreparedStatement(
        """
        DELETE FROM shebao.session WHERE expires_at < now() - $1::bigint * interval '1 millisecond' \
        OR revoked_at < now() - $1::bigint * interval '1 millisecond'
        """
    )
    static let deleteLoginCodes = PreparedStatement(
        "DELETE FROM shebao.person_login_code WHERE expires_at < now() - $1::bigint * interval '1 millisecond'"
    )
    static let deleteIdempotencyKeys = PreparedStatement(
        "DELETE FROM shebao.idempotency_key WHERE created_at < now() - $1::bigint * interval '1 millisecond'"
    )
    static let deleteLoginAttempts = PreparedStatement(
        "SELECT shebao.delete_login_attempts($1::bigint * interval '1 millisecond')"
    )
}
