public import Postgres

/// The changes an administrator makes to operators, the same whether they come through the API
/// (in the administrator's scope) or the command line (as the owner). Each runs in the caller's
/// transaction; the caller audits it.
public enum OperatorAdministration {
    /// Adds an office below `parent` (its region is the code's first six digits).
    ///
    /// - Returns: the new office's id.
    public static func createOffice(
        below parent: Int64,
        code: String,
        level: String,
        name: String,
        on connection: PostgresConnection
    ) throws -> Int64 {
        try connection.query(Self.insertOffice, [parent, code, level, name]).single().decode(0, as: Int64.self)
    }

    /// The office of operator `id`, the operator's row locked for the change that follows; nil
    /// when the operator is not in the transaction's scope.
    public static func officeOfOperator(_ id: Int64, on connection: PostgresConnection) throws -> Int64? {
        try connection.query(Self.operatorOffice, [id]).first?.decode(0, as: Int64.self)
    }

    static let insertOffice = PreparedStatement(
        """
        INSERT INTO shebao.office (parent_id, code, region_code, level, name) \
        VALUES ($1, $2, left($2, 6), $3, $4) RETURNING id
        """
    )
    static let operatorOffice = PreparedStatement("SELECT office_id FROM shebao.operator WHERE id = $1 FOR UPDATE")

    /// Creates an operator who must change `hash`'s one-time password at the first log-in; the
    /// hash joins the password history. Returns the new operator's id.
    public static func create(
        office: Int64,
        username: String,
        displayName: String,
        passwordHash: String,
        roles: [String],
        on connection: PostgresConnection
    ) throws -> Int64 {
        let id = try connection.query(
            """
            INSERT INTO shebao.operator (office_id, username, display_name, password_hash, must_change_password)
            VALUES ($1, $2, $3, $4, true) RETURNING id
            """,
            [office, username, displayName, passwordHash]
        ).single().decode(0, as: Int64.self)
        try connection.query(
            "INSERT INTO shebao.operator_password_history (office_id, operator_id, password_hash) VALUES ($1, $2, $3)",
            [office, id, passwordHash]
        )
        for role in roles {
            try Self.assign(role, to: id, office: office, on: connection)
        }
        return id
    }

    /// Assigns `role`; the database refuses an incompatible pair (constraint `role_conflict`).
    public static func assign(_ role: String, to id: Int64, office: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
            [office, id, role]
        )
    }

    /// Revokes `role`; whether the operator held it.
    public static func revoke(_ role: String, from id: Int64, on connection: PostgresConnection) throws -> Bool {
        try connection.query(
            "UPDATE shebao.role_assignment SET revoked_at = now() WHERE operator_id = $1 AND role = $2 AND revoked_at IS NULL",
            [id, role]
        ).affectedRows == 1
    }

    /// Disables the operator and ends their sessions.
    public static func disable(_ id: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE shebao.operator SET disabled_at = coalesce(disabled_at, now()) WHERE id = $1",
            [id]
        )
        try Self.endSessions(of: id, on: connection)
    }

    /// Sets a one-time password (to be changed at the next log-in), lifts a lock, ends the
    /// sessions.
    public static func resetPassword(_ id: Int64, to passwordHash: String, on connection: PostgresConnection) throws {
        try connection.query(
            """
            UPDATE shebao.operator SET password_hash = $2, password_changed_at = now(), must_change_password = true, \
            failed_logins = 0, locked_until = NULL WHERE id = $1
            """,
            [id, passwordHash]
        )
        try Self.endSessions(of: id, on: connection)
    }

    /// Removes the second factor and the recovery codes, so that the operator enrols again;
    /// ends the sessions.
    public static func resetSecondFactor(_ id: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE shebao.operator SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1",
            [id]
        )
        try connection.query("DELETE FROM shebao.operator_recovery_code WHERE operator_id = $1", [id])
        try Self.endSessions(of: id, on: connection)
    }

    private static func endSessions(of id: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE shebao.session SET revoked_at = now() WHERE operator_id = $1 AND revoked_at IS NULL",
            [id]
        )
    }
}
