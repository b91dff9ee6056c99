import ArgumentParser
import Postgres
import Security
import Store

/// `shebao admin assign-role|revoke-role|disable-operator|reset-password|reset-totp`: the
/// administration API's operator calls, from the command line as the schema owner (for an
/// administrator locked out, say). Each change is audited as the system's.
struct OperatorChangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Change an operator: assign or revoke a role, disable, reset the password or the second factor.",
        discussion: """
            Connects with MIGRATION_DATABASE_URL (or DATABASE_URL) as the schema owner or a superuser. \
            Disabling and resets end the operator's sessions; a reset password is printed once and must \
            be changed at the next log-in.
            """
    )

    enum Change: String, ExpressibleByArgument, CaseIterable {
        case assignRole = "assign-role"
        case revokeRole = "revoke-role"
        case disable
        case resetPassword = "reset-password"
        case resetTOTP = "reset-totp"
    }

    @Argument(help: "assign-role, revoke-role, disable, reset-password or reset-totp.")
    var change: Change

    @Option(help: "The operator's log-in name.")
    var username: String

    @Option(help: "The role, for assign-role and revoke-role.")
    var role: String?

    @Option(help: "Database URL (default: MIGRATION_DATABASE_URL, then DATABASE_URL).")
    var databaseURL: String?

    func validate() throws {
        switch self.change {
        case .assignRole, .revokeRole:
            guard let role, operatorRoles.contains(role) else {
                throw ValidationError("--role must be one of \(operatorRoles.sorted().joined(separator: ", "))")
            }
        case .disable, .resetPassword, .resetTOTP:
            guard self.role == nil else { throw ValidationError("--role is only for assign-role and revoke-role") }
        }
    }

    func run() throws {
        do {
            let password = self.change == .resetPassword ? try PasswordPolicy.temporaryPassword() : nil
            let hash = try password.map { try PasswordHash.make(password: $0) }
            try self.apply(hash: hash)
            print("\(self.change.rawValue): done for \(self.username)")
            if let password {
                print("one-time password: \(password)  (to be changed at the next log-in)")
            }
        } catch {
            printError("shebao admin operator \(self.change.rawValue): \(describe(error))")
            throw ExitCode.failure
        }
    }

    private func apply(hash: PasswordHash?) throws {
        let connection = try ownerConnection(self.databaseURL)
        defer { connection.close() }
        try connection.withTransaction { connection in
            try connection.execute(unsafeScript: "SET LOCAL ROLE shebao_owner")
            guard
                let row = try connection.query(
                    "SELECT id, office_id FROM shebao.operator WHERE username = $1 FOR UPDATE",
                    [self.username]
                ).first
            else {
                throw Failure("no operator \(self.username)")
            }
            let id = try row.decode(0, as: Int64.self)
            let office = try row.decode(1, as: Int64.self)
            switch self.change {
            case .assignRole:
                try OperatorAdministration.assign(self.role ?? "", to: id, office: office, on: connection)
            case .revokeRole:
                guard try OperatorAdministration.revoke(self.role ?? "", from: id, on: connection) else {
                    throw Failure("\(self.username) does not hold \(self.role ?? "")")
                }
            case .disable:
                try OperatorAdministration.disable(id, on: connection)
            case .resetPassword:
                try OperatorAdministration.resetPassword(id, to: hash?.encoded ?? "", on: connection)
            case .resetTOTP:
                try OperatorAdministration.resetSecondFactor(id, on: connection)
            }
            let action: String =
                switch self.change {
                case .assignRole: "operator.role_assign"
                case .revokeRole: "operator.role_revoke"
                case .disable: "operator.disable"
                case .resetPassword: "operator.password_reset"
                case .resetTOTP: "operator.totp_reset"
                }
            try connection.query(
                """
                INSERT INTO shebao.audit_event (office_id, actor_kind, action, target_type, target_id, outcome, after)
                VALUES ($1, 'system', $2, 'operator', $3, 'success', CASE WHEN $4::text IS NULL THEN NULL
                    ELSE jsonb_build_object('role', $4::text) END)
                """,
                [office, action, "\(id)", self.role]
            )
        }
    }
}
