import ArgumentParser
import Foundation
import Postgres
import Security
import Store

/// `shebao admin create-operator`: an operator with a one-time password, the first
/// administrator of an empty database included (its office, the root, is created with it).
struct CreateOperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-operator",
        abstract: "Create an operator with a one-time password (changed at the first log-in).",
        discussion: """
            Connects with MIGRATION_DATABASE_URL (or DATABASE_URL) as the schema owner or a superuser. \
            On a database without offices, --office-name creates the root office with the --office code \
            (a province, six digits), so that the first administrator can be created.
            """
    )

    @Option(help: "Database URL (default: MIGRATION_DATABASE_URL, then DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Log-in name: 3–40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.")
    var username: String

    @Option(help: "The name shown for the operator.")
    var displayName: String

    @Option(help: "The office's code (GB/T 2260 region code, or 9 digits for a service point).")
    var office: String

    @Option(help: "Name of the root office to create when the database has no offices yet.")
    var officeName: String?

    @Option(
        name: .customLong("role"),
        help:
            "A role (repeatable): administrator, auditor, clerk, reviewer, disbursement_officer, disbursement_approver, office_manager."
    )
    var roles: [String] = []

    func validate() throws {
        guard self.username.wholeMatch(of: /[a-z0-9][a-z0-9._-]{2,39}/) != nil else {
            throw ValidationError("--username must be 3–40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit")
        }
        guard (1...100).contains(self.displayName.count) else {
            throw ValidationError("--display-name must be 1–100 characters")
        }
        if let unknown = self.roles.first(where: { !operatorRoles.contains($0) }) {
            throw ValidationError("unknown role \(unknown)")
        }
    }

    func run() throws {
        do {
            let password = try PasswordPolicy.temporaryPassword()
            let (id, roles) = try self.create(password: password)
            print("created operator \(self.username) (id \(id)) at office \(self.office), roles: \(roles)")
            print("one-time password: \(password)  (to be changed at the first log-in)")
        } catch {
            printError("shebao admin create-operator: \(describe(error))")
            throw ExitCode.failure
        }
    }

    private func create(password: String) throws -> (Int64, String) {
        let hash = try PasswordHash.make(password: password)
        let connection = try ownerConnection(self.databaseURL)
        defer { connection.close() }
        return try connection.withTransaction { connection in
            try connection.execute(unsafeScript: "SET LOCAL ROLE shebao_owner")
            var office = try connection.query("SELECT id FROM shebao.office WHERE code = $1", [self.office]).first
                .map { try $0.decode(0, as: Int64.self) }
            if office == nil {
                let isEmpty = try connection.query("SELECT NOT EXISTS (SELECT FROM shebao.office)").single()
                    .decode(0, as: Bool.self)
                guard isEmpty, let name = self.officeName else {
                    throw Failure(
                        isEmpty
                            ? "the database has no offices yet: add --office-name to create the root office \(self.office)"
                            : "no office with code \(self.office)"
                    )
                }
                guard self.office.wholeMatch(of: /[1-9][0-9]{5}/) != nil else {
                    throw Failure("the root office's code is a six-digit region code, not \(self.office)")
                }
                office = try connection.query(
                    """
                    INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                    VALUES (NULL, $1, $1, 'province', $2) RETURNING id
                    """,
                    [self.office, name]
                ).single().decode(0, as: Int64.self)
            }
            guard let office else { throw Failure("no office with code \(self.office)") }
            let id = try OperatorAdministration.create(
                office: office,
                username: self.username,
                displayName: self.displayName,
                passwordHash: hash.encoded,
                roles: self.roles,
                on: connection
            )
            try connection.query(
                """
                INSERT INTO shebao.audit_event (office_id, actor_kind, action, target_type, target_id, outcome, after)
                VALUES ($1, 'system', 'operator.create', 'operator', $2, 'success',
                    jsonb_build_object('username', $3::text, 'roles', $4::text))
                """,
                [office, "\(id)", self.username, self.roles.joined(separator: ",")]
            )
            return (id, self.roles.isEmpty ? "none" : self.roles.joined(separator: ", "))
        }
    }
}
