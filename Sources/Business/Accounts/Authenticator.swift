public import Foundation
import Locks
public import Postgres
public import Security
import Store

/// The log-in rules. Every figure is configurable; the defaults follow MLPS 2.0 level 3
/// practice (domain-rules §12).
public struct AuthenticationSettings: Sendable {
    /// Consecutive failed log-ins that lock an operator's account.
    public var maxFailures = 5
    /// How long a lock lasts.
    public var lockDuration: Duration = .seconds(30 * 60)
    /// Failed log-ins from one client address, within ``addressFailureWindow``, after which
    /// that address is refused (429) until the window moves on.
    public var addressFailureLimit = 50
    public var addressFailureWindow: Duration = .seconds(15 * 60)
    /// A session ends after this long without a request...
    public var sessionIdle: Duration = .seconds(15 * 60)
    /// ...and this long after the log-in in any case.
    public var sessionLifetime: Duration = .seconds(8 * 3600)
    /// Password hashes computed at once (scrypt takes 128 MiB each at the recommended
    /// parameters): concurrent log-ins wait for a turn instead of exhausting memory.
    public var hashingConcurrency = 2
    /// Roles whose holders must log in with a second factor.
    public var secondFactorRoles: Set<String> = [
        "administrator", "auditor", "reviewer", "disbursement_officer", "disbursement_approver",
    ]
    /// What operators' passwords must be.
    public var passwordPolicy = PasswordPolicy()
    /// What insured persons' passwords must be: 8 characters of 2 classes, no expiry.
    public var personPasswordPolicy = PasswordPolicy(
        minimumLength: 8,
        minimumClasses: 2,
        maximumAgeDays: nil,
        historyCount: 0
    )

    public init() {}
}

/// Log-in, sessions and the authentication of requests, all in PostgreSQL (workers keep no
/// state): a session is a random 256-bit token of which the database keeps only the SHA-256.
public final class Authenticator: Sendable {
    public let database: PostgresClient
    public let settings: AuthenticationSettings
    private let gate: HashingGate
    /// Verified instead of a real hash when there is none to verify (unknown name, locked or
    /// disabled account), so that every refusal costs the same scrypt.
    private let decoy: PasswordHash

    public init(database: PostgresClient, settings: AuthenticationSettings) throws {
        self.database = database
        self.settings = settings
        self.gate = HashingGate(permits: settings.hashingConcurrency)
        self.decoy = try PasswordHash.make(password: Base32.encode(try Random.bytes(20)))
    }

    // MARK: Log-in

    /// What a log-in attempt came to.
    public enum LoginOutcome: Sendable {
        case success(token: String, principal: SessionPrincipal, passwordExpired: Bool, secondFactorMissing: Bool)
        /// Wrong name, wrong password, locked or disabled account: one answer for all.
        case refused
        /// The password was right and the account has a second factor: a code is needed.
        case secondFactorRequired
        /// Too many failures from this address lately.
        case throttled
    }

    /// Checks a log-in and, if it succeeds, opens a session. Blocks (scrypt, the database): call
    /// it on a handler thread.
    public func login(
        username: String,
        password: String,
        code: String?,
        address: String,
        requestID: String,
        now: Date = Date()
    ) throws -> LoginOutcome {
        let row = try self.database.query(
            Self.findOperator,
            [username, address, Self.interval(self.settings.addressFailureWindow)]
        ).single()
        guard try row.decode("address_failures", as: Int.self) < self.settings.addressFailureLimit else {
            return .throttled
        }
        let operatorID = try row.decode("operator_id", as: Int64?.self)
        let isLocked = try row.decode("locked", as: Bool?.self) ?? false
        let isDisabled = try row.decode("disabled", as: Bool?.self) ?? false
        let stored = try row.decode("password_hash", as: String?.self).flatMap(PasswordHash.init(encoded:))
        let secret = try row.decode("totp_secret", as: PostgresBytes?.self)
        let lastStep = try row.decode("totp_last_step", as: Int64?.self)
        let isUsable = operatorID != nil && !isLocked && !isDisabled && stored != nil
        // The same scrypt whatever the reason to refuse.
        let verified = try self.gate.run { try (isUsable ? stored ?? self.decoy : self.decoy).verify(password) }
        let passwordMatches = verified && isUsable

        var step: Int64?
        // A recovery code in place of the TOTP code: spent in the transaction that records the log-in.
        var recovery: [UInt8]?
        if passwordMatches, let secret {
            guard let code, !code.isEmpty else {
                return .secondFactorRequired
            }
            recovery = RecoveryCode.hash(code)
            if recovery == nil {
                step = TOTP(secret: secret.bytes).verify(
                    code,
                    at: Int64(now.timeIntervalSince1970.rounded(.down)),
                    after: lastStep
                )
            }
        }
        let opened = try self.recordLogin { connection, tokenHash in
            var recovered = false
            if let recovery, let operatorID {
                recovered = try connection.query(Self.useRecoveryCode, [operatorID, PostgresBytes(recovery)]).single()
                    .decode(0, as: Bool.self)
            }
            let succeeded = passwordMatches && (secret == nil || step != nil || recovered)
            return try connection.query(
                Self.finishLogin,
                [
                    username, address, requestID, operatorID, succeeded, step, self.settings.maxFailures,
                    Self.interval(self.settings.lockDuration), tokenHash, Self.interval(self.settings.sessionLifetime),
                ]
            ).single().decode(0, as: Int64?.self)
        }
        guard let (token, principal) = opened else {
            return .refused
        }
        if let stored, stored.parameters != .recommended {
            try self.upgrade(stored, of: principal, password: password)
        }
        let changedAt = principal.passwordChangedAt.map { Int64($0.timeIntervalSince1970) } ?? 0
        return .success(
            token: token,
            principal: principal,
            passwordExpired: self.settings.passwordPolicy.isExpired(
                changedAt: changedAt,
                now: Int64(now.timeIntervalSince1970)
            ),
            secondFactorMissing: self.mustEnrolSecondFactor(principal)
        )
    }

    /// Rehashes a password stored with other scrypt parameters (older, weaker) at the
    /// parameters recommended now, while the password is at hand: at its owner's next log-in.
    /// The history keeps the old hash, so the password still counts as used.
    private func upgrade(_ stored: PasswordHash, of principal: SessionPrincipal, password: String) throws {
        guard let id = principal.operatorID else { return }
        let upgraded = try self.hash(password)
        try Store(database: self.database).withScope(
            .office(id: principal.officeID),
            principal: Principal(kind: .operator, id: id)
        ) { connection in
            _ = try connection.query(Self.upgradeHash, [id, upgraded.encoded, stored.encoded])
        }
    }

    /// Records a log-in attempt with `record`, which returns the id of the session it opened
    /// for the token hash it is given, or nil; then the new token and its principal.
    private func recordLogin(
        _ record: (PostgresConnection, PostgresBytes) throws -> Int64?
    ) throws -> (token: String, principal: SessionPrincipal)? {
        let token = Base32.encode(try Random.bytes(32))
        let session = try self.database.withTransaction { try record($0, Self.tokenHash(token)) }
        guard session != nil, let principal = try self.authenticate(token: token) else {
            return nil
        }
        return (token, principal)
    }

    static let upgradeHash = PreparedStatement(
        "UPDATE shebao.operator SET password_hash = $2 WHERE id = $1 AND password_hash = $3"
    )

    // MARK: Insured persons

    /// Sends a one-time log-in code to the phone of the person with `citizenID`, through the
    /// notification outbox: 6 digits, valid 5 minutes, at most 5 an hour. The caller answers
    /// the same whether or not a code went out.
    public func sendPersonCode(citizenID: String) throws {
        let code = String(Int(try Random.bytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) } % 1_000_000))
        let padded = String(repeating: "0", count: 6 - code.count) + code
        _ = try self.database.query(Self.sendPersonCode, [citizenID, padded, "300 seconds", 5])
    }

    /// An insured person's log-in, with a password or a code sent by SMS: the same rules as an
    /// operator's (lock-out, address limit, one answer for every refusal), and a session that
    /// reads as the person and sees their own records only.
    public func personLogin(
        citizenID: String,
        password: String?,
        code: String?,
        address: String,
        requestID: String
    ) throws -> LoginOutcome {
        let row = try self.database.query(
            Self.findPerson,
            [citizenID, address, Self.interval(self.settings.addressFailureWindow)]
        ).single()
        guard try row.decode("address_failures", as: Int.self) < self.settings.addressFailureLimit else {
            return .throttled
        }
        let personID = try row.decode("person_id", as: Int64?.self)
        let stored = try row.decode("password_hash", as: String?.self).flatMap(PasswordHash.init(encoded:))
        let isLocked = try row.decode("locked", as: Bool?.self) ?? false
        var passwordMatches = false
        if let password {
            let usable = personID != nil && !isLocked ? stored : nil
            let verified = try self.gate.run { try (usable ?? self.decoy).verify(password) }
            passwordMatches = verified && usable != nil
        }
        let opened = try self.recordLogin { connection, tokenHash in
            try connection.query(
                Self.finishPersonLogin,
                [
                    citizenID, address, requestID, personID, passwordMatches, password == nil ? code : nil,
                    self.settings.maxFailures, Self.interval(self.settings.lockDuration), tokenHash,
                    Self.interval(self.settings.sessionLifetime),
                ]
            ).single().decode(0, as: Int64?.self)
        }
        guard let (token, principal) = opened else {
            return .refused
        }
        return .success(token: token, principal: principal, passwordExpired: false, secondFactorMissing: false)
    }

    static let findPerson = PreparedStatement("SELECT * FROM shebao.person_login($1, $2::inet, $3::interval)")
    static let sendPersonCode = PreparedStatement(
        "SELECT shebao.person_send_code($1, $2, $3::interval, $4::integer)"
    )
    static let finishPersonLogin = PreparedStatement(
        """
        SELECT shebao.person_login_finish($1, $2::inet, $3, $4::bigint, $5, $6, $7::integer, $8::interval, \
        $9, $10::interval)
        """
    )

    // MARK: Sessions

    /// The principal of `token`, checked in a transaction of its own.
    public func authenticate(token: String) throws -> SessionPrincipal? {
        try self.database.withTransaction { connection in
            try Self.authenticate(token: token, idle: self.settings.sessionIdle, on: connection)
        }
    }

    /// Runs `body` in a transaction scoped to the session of `caller`'s token: one
    /// statement finds the session and enters its scope. Answers 401 when there is none, and
    /// 403 while the operator has a step pending: a password to change first (one-time or
    /// expired), or a second factor to enrol that their roles need. Only the routes that lead
    /// through those steps pass `allowPendingSteps` (me, log-out, the password change, the
    /// second factor's enrolment); every other route gets the strict default.
    public func withSession<R>(
        _ caller: Caller,
        allowPendingSteps: Bool = false,
        _ body: (PostgresConnection, SessionPrincipal) throws -> R
    ) throws -> R {
        guard let token = caller.token else {
            throw Unauthenticated()
        }
        return try self.database.withTransaction { connection in
            guard let principal = try Self.authenticate(token: token, idle: self.settings.sessionIdle, on: connection)
            else {
                throw Unauthenticated()
            }
            if !allowPendingSteps {
                try self.checkNoStepPending(principal)
            }
            return try body(connection, principal)
        }
    }

    /// Refuses (403) a principal with a step pending, the password change first: a one-time
    /// password is changed before the second factor is enrolled.
    private func checkNoStepPending(_ principal: SessionPrincipal) throws {
        if self.mustChangePassword(principal) {
            throw BusinessFailure(
                .forbidden,
                zh: "请先修改密码（POST /api/v1/auth/password）",
                en: "change the password first (POST /api/v1/auth/password)"
            )
        }
        if self.mustEnrolSecondFactor(principal) {
            throw BusinessFailure(
                .forbidden,
                zh: "您的角色须使用第二认证因素，请先绑定（POST /api/v1/auth/totp，再 …/totp/confirm）",
                en: "your roles need a second factor: enrol one first (POST /api/v1/auth/totp, then …/totp/confirm)"
            )
        }
    }

    /// A new password hash, computed on the bounded hashing gate.
    public func hash(_ password: String) throws -> PasswordHash {
        try self.gate.run { try PasswordHash.make(password: password) }
    }

    // MARK: Second factor

    /// Starts enrolling a second factor: a new secret, pending until a code from it is
    /// confirmed. Refused (409) when one is enrolled already: an administrator resets it.
    /// Returns the secret and the operator's user name (the account an authenticator shows).
    public func beginSecondFactor(_ caller: Caller) throws -> (totp: TOTP, account: String) {
        let totp = try TOTP.generate()
        let account = try self.withSession(caller, allowPendingSteps: true) { connection, principal in
            guard let id = principal.operatorID else {
                throw BusinessFailure(.forbidden, zh: "仅经办人员需要绑定第二认证因素", en: "only operators enrol a second factor")
            }
            let started = try connection.query(Self.startEnrolment, [id, PostgresBytes(totp.secret)]).affectedRows
            guard started == 1 else {
                throw BusinessFailure(
                    .conflict,
                    zh: "已绑定第二认证因素；如需重置请联系管理员",
                    en: "a second factor is enrolled already; an administrator can reset it"
                )
            }
            try Self.audit(on: connection, principal, caller, action: "auth.totp_begin")
            return principal.username ?? "operator \(id)"
        }
        return (totp, account)
    }

    /// Confirms the pending secret with a code from it: it becomes the operator's second
    /// factor, and ten new recovery codes replace any earlier ones. Returns the codes (shown
    /// this once), or nil when the code is wrong.
    public func confirmSecondFactor(_ caller: Caller, code: String, now: Date = Date()) throws -> [String]? {
        let codes = try RecoveryCode.generate()
        return try self.withSession(caller, allowPendingSteps: true) { connection, principal in
            guard let id = principal.operatorID else {
                throw BusinessFailure(.forbidden, zh: "仅经办人员需要绑定第二认证因素", en: "only operators enrol a second factor")
            }
            guard
                let pending = try connection.query(Self.pendingSecret, [id]).single()
                    .decode(0, as: PostgresBytes?.self)
            else {
                throw BusinessFailure(
                    .conflict,
                    zh: "没有进行中的绑定：请先 POST /api/v1/auth/totp",
                    en: "no enrolment in progress: POST /api/v1/auth/totp first"
                )
            }
            guard let step = TOTP(secret: pending.bytes).verify(code, at: Int64(now.timeIntervalSince1970)) else {
                return nil
            }
            try connection.query(Self.finishEnrolment, [id, step])
            try connection.query(Self.dropRecoveryCodes, [id])
            for code in codes {
                try connection.query(
                    Self.addRecoveryCode,
                    [principal.officeID, id, RecoveryCode.hash(code).map(PostgresBytes.init)]
                )
            }
            try Self.audit(on: connection, principal, caller, action: "auth.totp_enrol")
            return codes
        }
    }

    static let startEnrolment = PreparedStatement(
        "UPDATE shebao.operator SET totp_pending_secret = $2 WHERE id = $1 AND totp_secret IS NULL"
    )
    static let pendingSecret = PreparedStatement(
        "SELECT totp_pending_secret FROM shebao.operator WHERE id = $1 FOR UPDATE"
    )
    static let finishEnrolment = PreparedStatement(
        """
        UPDATE shebao.operator SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = $2 \
        WHERE id = $1
        """
    )
    static let dropRecoveryCodes = PreparedStatement("DELETE FROM shebao.operator_recovery_code WHERE operator_id = $1")
    static let addRecoveryCode = PreparedStatement(
        "INSERT INTO shebao.operator_recovery_code (office_id, operator_id, code_hash) VALUES ($1, $2, $3)"
    )

    /// An insured person sets or changes their password: the current one is needed once there
    /// is one (a person who logged in with an SMS code sets the first without).
    private func changePersonPassword(
        _ caller: Caller,
        stored: String?,
        current: String?,
        new: String
    ) throws -> PasswordChangeOutcome {
        if let stored {
            guard let hash = PasswordHash(encoded: stored), let current,
                try self.gate.run({ try hash.verify(current) })
            else {
                return .wrongCurrentPassword
            }
        }
        let policy = self.settings.personPasswordPolicy
        let violations = policy.violations(of: new, username: "")
        guard violations.isEmpty else {
            return .refused(violations, policy: policy)
        }
        let hash = try self.hash(new)
        return try self.withSession(caller, allowPendingSteps: true) { connection, _ in
            guard
                try connection.query(Self.setPersonPassword, [hash.encoded, stored]).single().decode(0, as: Bool.self)
            else {
                throw BusinessFailure(.conflict, zh: "密码已被同时修改，请重试", en: "the password changed meanwhile; try again")
            }
            return .changed
        }
    }

    static let personPassword = PreparedStatement("SELECT shebao.person_password()")
    static let setPersonPassword = PreparedStatement("SELECT shebao.person_set_password($1, $2)")

    /// Whether `principal` must enrol a second factor before anything else: an operator holding
    /// a role of ``AuthenticationSettings/secondFactorRoles`` who has none.
    public func mustEnrolSecondFactor(_ principal: SessionPrincipal) -> Bool {
        principal.kind == .operator && !principal.hasSecondFactor
            && !self.settings.secondFactorRoles.isDisjoint(with: principal.roles)
    }

    /// Whether `principal` must change their password before anything else.
    public func mustChangePassword(_ principal: SessionPrincipal, now: Date = Date()) -> Bool {
        guard principal.kind == .operator else { return false }
        let changedAt = principal.passwordChangedAt.map { Int64($0.timeIntervalSince1970) } ?? 0
        return principal.mustChangePassword
            || self.settings.passwordPolicy.isExpired(changedAt: changedAt, now: Int64(now.timeIntervalSince1970))
    }

    /// What a password change came to.
    public enum PasswordChangeOutcome: Sendable, Equatable {
        case changed
        /// The current password given is wrong.
        case wrongCurrentPassword
        /// The new one breaks these rules of `policy` (the operators' or the persons').
        case refused([PasswordPolicy.Violation], policy: PasswordPolicy)
    }

    /// Changes the password of the operator whose session `caller` carries: the current one
    /// must be right, the new one must meet the policy and differ from the last ones. The
    /// operator's other sessions end. The hashing runs between two short transactions, never
    /// inside one, so no pooled connection waits on scrypt.
    public func changePassword(_ caller: Caller, current: String?, new: String) throws -> PasswordChangeOutcome {
        let (principal, found, history) = try self.withSession(caller, allowPendingSteps: true) {
            connection,
            principal in
            guard let id = principal.operatorID else {
                let stored = try connection.query(Self.personPassword).single().decode(0, as: String?.self)
                return (principal, stored, [String]())
            }
            let stored = try connection.query(Self.currentHash, [id]).single().decode(0, as: String.self)
            let history = try connection.query(Self.recentHashes, [id, self.settings.passwordPolicy.historyCount])
                .map { try $0.decode(0, as: String.self) }
            return (principal, stored, history)
        }
        guard principal.kind == .operator, let stored = found else {
            return try self.changePersonPassword(caller, stored: found, current: current, new: new)
        }
        let current = current ?? ""
        guard let currentHash = PasswordHash(encoded: stored), try self.gate.run({ try currentHash.verify(current) })
        else {
            try self.withSession(caller, allowPendingSteps: true) { connection, principal in
                try Self.audit(on: connection, principal, caller, action: "auth.password_change", outcome: "failure")
            }
            return .wrongCurrentPassword
        }
        var violations = self.settings.passwordPolicy.violations(of: new, username: principal.username ?? "")
        // The history holds the current password too, unless it was set some other way.
        let remembered = (history.contains(stored) ? history : [stored] + history).compactMap(
            PasswordHash.init(encoded:)
        )
        if violations.isEmpty,
            try self.gate.run({ try self.settings.passwordPolicy.isReused(new, history: remembered) })
        {
            violations.append(.reused)
        }
        guard violations.isEmpty else {
            return .refused(violations, policy: self.settings.passwordPolicy)
        }
        let hash = try self.hash(new)
        return try self.withSession(caller, allowPendingSteps: true) { connection, principal in
            guard let id = principal.operatorID else {
                throw BusinessFailure(.forbidden, zh: "仅经办人员使用此处的密码", en: "only operators have passwords here")
            }
            // Changed by another request meanwhile: this one was checked against the old.
            let changed = try connection.query(Self.updatePassword, [id, hash.encoded, stored]).affectedRows
            guard changed == 1 else {
                throw BusinessFailure(.conflict, zh: "密码已被同时修改，请重试", en: "the password changed meanwhile; try again")
            }
            try connection.query(Self.rememberOldPassword, [principal.officeID, id, stored])
            try connection.query(
                Self.rememberPassword,
                [principal.officeID, id, hash.encoded, self.settings.passwordPolicy.historyCount]
            )
            try connection.query(Self.endOtherSessions, [id, principal.sessionID])
            try Self.audit(on: connection, principal, caller, action: "auth.password_change")
            return .changed
        }
    }

    /// Ends the session of `caller`'s token; whether there was one.
    public func logout(_ caller: Caller) throws -> Bool {
        guard let token = caller.token else { return false }
        return try self.withSession(caller, allowPendingSteps: true) { connection, principal in
            try Self.audit(on: connection, principal, caller, action: "auth.logout")
            return try connection.query(Self.endSession, [Self.tokenHash(token)])
                .single().decode(0, as: Bool.self)
        }
    }

    private static func authenticate(
        token: String,
        idle: Duration,
        on connection: PostgresConnection
    ) throws -> SessionPrincipal? {
        let rows = try connection.query(
            Self.findSession,
            [Self.tokenHash(token), Self.interval(idle)]
        )
        guard let row = rows.first else { return nil }
        return SessionPrincipal(
            sessionID: try row.decode("session_id"),
            kind: try row.decode("principal_kind", as: String.self) == "person" ? .person : .operator,
            operatorID: try row.decode("operator_id"),
            personID: try row.decode("person_id"),
            officeID: try row.decode("office_id"),
            username: try row.decode("username"),
            displayName: try row.decode("display_name"),
            roles: try row.decode("roles"),
            mustChangePassword: try row.decode("must_change_password"),
            passwordChangedAt: try row.decode("password_changed_at"),
            expiresAt: try row.decode("expires_at"),
            hasSecondFactor: try row.decode("has_second_factor")
        )
    }

    /// What the database keeps of a token: its SHA-256.
    static func tokenHash(_ token: String) -> PostgresBytes {
        PostgresBytes(SHA256.hash(Array(token.utf8)))
    }

    /// A duration as a PostgreSQL interval literal (whole seconds).
    static func interval(_ duration: Duration) -> String {
        "\(duration.components.seconds) seconds"
    }

    static let findOperator = PreparedStatement(
        "SELECT * FROM shebao.login_operator($1, $2::inet, $3::interval)"
    )
    static let finishLogin = PreparedStatement(
        """
        SELECT shebao.login_finish($1, $2::inet, $3, $4::bigint, $5, $6::bigint, $7::integer, $8::interval, \
        $9, $10::interval)
        """
    )
    // An insured person's session reads as the person role; the role is switched here, in the
    // same statement, because a SECURITY DEFINER function may not switch it.
    static let findSession = PreparedStatement(
        """
        SELECT a.*, CASE WHEN a.principal_kind = 'person' THEN set_config('role', 'shebao_person', true) END \
        FROM shebao.authenticate($1, $2::interval) AS a
        """
    )
    static let endSession = PreparedStatement("SELECT shebao.logout($1)")
    static let useRecoveryCode = PreparedStatement("SELECT shebao.use_recovery_code($1, $2)")
    /// Appends an audit event, in the transaction on `connection`, for `principal`'s `action`
    /// in `request`: under the principal's office unless `office` is given, with the target and
    /// the details (`after`) if any.
    public static func audit(
        on connection: PostgresConnection,
        _ principal: SessionPrincipal,
        _ caller: Caller,
        action: String,
        outcome: String = "success",
        target: (type: String, id: Int64)? = nil,
        office: Int64? = nil,
        after: [String: String]? = nil
    ) throws {
        try Self.record(
            on: connection,
            principal,
            caller,
            action: action,
            outcome: outcome,
            target: target,
            office: office,
            after: try after.map(PostgresJSON.init(encoding:))
        )
    }

    /// The one way an audit event is written for a request: ``audit(on:_:_:action:outcome:target:office:after:)``
    /// comes here; the business routes' audit goes through their ``BusinessContext``.
    static func record(
        on connection: PostgresConnection,
        _ principal: SessionPrincipal,
        _ caller: Caller,
        action: String,
        outcome: String,
        target: (type: String, id: Int64)?,
        office: Int64?,
        after: PostgresJSON?
    ) throws {
        try AuditTrail.append(
            AuditEvent(
                officeID: office ?? principal.officeID,
                actor: principal.principal,
                action: action,
                outcome: outcome,
                target: target,
                requestID: caller.traceID,
                clientAddress: caller.clientAddress,
                after: after
            ),
            on: connection
        )
    }

    static let currentHash = PreparedStatement("SELECT password_hash FROM shebao.operator WHERE id = $1")
    static let recentHashes = PreparedStatement(
        """
        SELECT password_hash FROM shebao.operator_password_history WHERE operator_id = $1 \
        ORDER BY created_at DESC, id DESC LIMIT $2
        """
    )
    static let updatePassword = PreparedStatement(
        """
        UPDATE shebao.operator SET password_hash = $2, password_changed_at = now(), must_change_password = false \
        WHERE id = $1 AND password_hash = $3
        """
    )
    // A password set some other way (by an administrator, say) joins the history when it is
    // replaced, so that it cannot come back either.
    static let rememberOldPassword = PreparedStatement(
        """
        INSERT INTO shebao.operator_password_history (office_id, operator_id, password_hash, created_at) \
        SELECT $1, $2, $3, now() - interval '1 millisecond' WHERE NOT EXISTS (\
        SELECT FROM shebao.operator_password_history WHERE operator_id = $2 AND password_hash = $3)
        """
    )
    // The new hash joins the history, of which the last `$4` are kept (the new one included).
    static let rememberPassword = PreparedStatement(
        """
        WITH added AS (
            INSERT INTO shebao.operator_password_history (office_id, operator_id, password_hash) VALUES ($1, $2, $3)
            RETURNING id
        )
        DELETE FROM shebao.operator_password_history WHERE operator_id = $2 AND id NOT IN (
            SELECT id FROM shebao.operator_password_history WHERE operator_id = $2
            ORDER BY created_at DESC, id DESC LIMIT $4::integer - 1
        )
        """
    )
    static let endOtherSessions = PreparedStatement(
        "UPDATE shebao.session SET revoked_at = now() WHERE operator_id = $1 AND id <> $2 AND revoked_at IS NULL"
    )
}

/// No session, or not a live one: the caller logs in first.
public struct Unauthenticated: Error, Sendable {
    public init() {}
}

/// Who calls, as the accounts see them: the session token they present, if any, and what the
/// call is traced by.
public struct Caller: Sendable {
    /// The bearer token, as issued.
    public var token: String?
    /// What the call is traced by in the logs and the audit trail: a request's ID.
    public var traceID: String
    public var clientAddress: String

    public init(token: String?, traceID: String, clientAddress: String) {
        self.token = token
        self.traceID = traceID
        self.clientAddress = clientAddress
    }
}

/// At most `permits` password hashes at once; the others wait their turn.
final class HashingGate: @unchecked Sendable {
    // @unchecked: `available` is only read and written with `lock` held.
    private let lock = ConditionLock()
    private let released = ConditionLock.Condition()
    private var available: Int

    init(permits: Int) {
        precondition(permits >= 1, "at least one hash at a time")
        self.available = permits
    }

    func run<R>(_ body: () throws -> R) rethrows -> R {
        self.lock.lock()
        while self.available == 0 {
            self.released.waitLocked(on: self.lock)
        }
        self.available -= 1
        self.lock.unlock()
        defer {
            self.lock.withLock { self.available += 1 }
            self.released.signal()
        }
        return try body()
    }
}
