import ConnectionPool
import Domain
import Postgres
import Synchronization
import TestSupport

/// A province with two sibling cities A and B (and a district under A), one row in every
/// office-scoped table for A and for B, inserted as the superuser. Tests then act as the
/// application role (`shebao_app`) through ``Store``.
struct ScopeFixture: Sendable {
    struct Office: Sendable {
        var id: Int64
        var code: String
        /// Row ids by table name.
        var rows: [String: Int64] = [:]
        var person: Int64 { self.rows["person"]! }
    }

    let database: TestDatabase
    let province: Int64
    var a: Office
    var b: Office
    let districtOfA: Int64

    /// The application's view of the database: a pool whose sessions run as `shebao_app`.
    let app: PostgresClient

    static func make() throws -> ScopeFixture {
        let database = try TestDatabase.create("scope")
        return try database.withConnection { connection in
            func office(_ parent: Int64?, _ code: String, _ level: String) throws -> Int64 {
                try connection.query(
                    "INSERT INTO shebao.office (parent_id, code, region_code, level, name) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    [parent, code, String(code.prefix(6)), level, "办公室 \(code)"]
                ).single().decode(0, as: Int64.self)
            }
            let province = try office(nil, "320000", "province")
            let cityA = try office(province, "320100", "city")
            let cityB = try office(province, "320200", "city")
            let district = try office(cityA, "320102", "district")
            var a = Office(id: cityA, code: "320100")
            var b = Office(id: cityB, code: "320200")
            a.rows = try Self.populate(connection, office: cityA, number: 1)
            b.rows = try Self.populate(connection, office: cityB, number: 2)
            var app = database.configuration
            app.parameters.append(.init("options", "-c role=shebao_app"))
            return ScopeFixture(
                database: database,
                province: province,
                a: a,
                b: b,
                districtOfA: district,
                app: PostgresClient(configuration: app, pool: .init(maximumConnections: 4))
            )
        }
    }

    /// One fixture for the tests that change nothing (or only add rows of their own).
    static func shared() throws -> ScopeFixture {
        try Self.sharedFixture.withLock { fixture in
            if let fixture { return fixture }
            let made = try ScopeFixture.make()
            fixture = made
            return made
        }
    }

    private static let sharedFixture = Mutex<ScopeFixture?>(nil)

    func close() {
        self.app.close()
        self.database.drop()
    }

    /// A valid 18-character citizen ID born 1990-01-01, male or female by its sequence code.
    static func citizenID(number: Int, male: Bool) -> String {
        let sequence = (number * 2 + (male ? 1 : 0)) % 1000
        let body = "32010219900101" + String(repeating: "0", count: 3 - String(sequence).count) + String(sequence)
        return CitizenID.complete(body: body)!
    }

    /// One row per office-scoped table, in dependency order. Each statement takes the office and
    /// the ids made before it; the table names are the keys of the returned dictionary.
    static let tables: [(table: String, insert: String, uses: [String])] = [
        (
            "operator",
            "INSERT INTO shebao.operator (office_id, username, display_name, password_hash) VALUES ($1, 'op' || $2::text, '经办员', repeat('h', 40)) RETURNING id",
            ["#number"]
        ),
        (
            "operator_password_history",
            "INSERT INTO shebao.operator_password_history (office_id, operator_id, password_hash) VALUES ($1, $2, repeat('h', 40)) RETURNING id",
            ["operator"]
        ),
        (
            "operator_recovery_code",
            "INSERT INTO shebao.operator_recovery_code (office_id, operator_id, code_hash) VALUES ($1, $2, sha256(random()::text::bytea)) RETURNING id",
            ["operator"]
        ),
        (
            "role_assignment",
            "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, 'clerk') RETURNING id",
            ["operator"]
        ),
        (
            "employer",
            "INSERT INTO shebao.employer (office_id, credit_code, name, industry_code, risk_class) VALUES ($1, '91320100' || lpad($2::text, 10, '0'), '单位', 'C13', 2) RETURNING id",
            ["#number"]
        ),
        (
            "person",
            "INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type, phone) VALUES ($1, $2, '张三', 'male', '1990-01-01', 'urban', '13800138000') RETURNING id",
            ["#citizen"]
        ),
        (
            "person_credential",
            "INSERT INTO shebao.person_credential (person_id, office_id, password_hash) VALUES ($2, $1, repeat('h', 40)) RETURNING person_id",
            ["person"]
        ),
        (
            "person_login_code",
            "INSERT INTO shebao.person_login_code (office_id, person_id, code_hash, expires_at) VALUES ($1, $2, sha256('1'::bytea), now() + interval '5 minutes') RETURNING id",
            ["person"]
        ),
        (
            "session",
            "INSERT INTO shebao.session (office_id, token_hash, principal_kind, person_id, expires_at) VALUES ($1, sha256($2::text::bytea), 'person', $3, now() + interval '1 hour') RETURNING id",
            ["#citizen", "person"]
        ),
        (
            "person_document",
            "INSERT INTO shebao.person_document (office_id, person_id, document_type, content_type, size_bytes, sha256, content) VALUES ($1, $2, 'id_card_front', 'image/png', 4, sha256('\\x89504e47'), '\\x89504e47') RETURNING id",
            ["person"]
        ),
        (
            "enrolment",
            "INSERT INTO shebao.enrolment (office_id, person_id, citizen_id, scheme_code, employer_id, status, start_period) VALUES ($1, $2, $3, '110', $4, 'active', 202601) RETURNING id",
            ["person", "#citizen", "employer"]
        ),
        (
            "base_declaration",
            "INSERT INTO shebao.base_declaration (office_id, employer_id, person_id, year, declared_wage_fen, base_fen) VALUES ($1, $2, $3, 2026, 1200000, 1200000) RETURNING id",
            ["employer", "person"]
        ),
        (
            "contribution_due",
            "INSERT INTO shebao.contribution_due (office_id, person_id, employer_id, scheme_code, period, party, base_fen, rate_ppm, amount_fen, due_date) VALUES ($1, $2, $3, '110', 202601, 'personal', 1200000, 80000, 96000, '2026-02-15') RETURNING id",
            ["person", "employer"]
        ),
        (
            "contribution_payment",
            "INSERT INTO shebao.contribution_payment (office_id, employer_id, amount_fen, reference, paid_on) VALUES ($1, $2, 96000, 'ref-' || $3::text, '2026-02-10') RETURNING id",
            ["employer", "#number"]
        ),
        (
            "payment_allocation",
            "INSERT INTO shebao.payment_allocation (office_id, payment_id, due_id, amount_fen) VALUES ($1, $2, $3, 96000) RETURNING id",
            ["contribution_payment", "contribution_due"]
        ),
        (
            "late_surcharge",
            "INSERT INTO shebao.late_surcharge (office_id, due_id, from_date, to_date, arrears_fen, amount_fen) VALUES ($1, $2, '2026-02-16', '2026-02-20', 96000, 240) RETURNING id",
            ["contribution_due"]
        ),
        (
            "personal_account_entry",
            "INSERT INTO shebao.personal_account_entry (office_id, person_id, period, kind, amount_fen, due_id) VALUES ($1, $2, 202601, 'contribution', 96000, $3) RETURNING id",
            ["person", "contribution_due"]
        ),
        (
            "application",
            "INSERT INTO shebao.application (office_id, type, payload, person_id, maker_id) VALUES ($1, 'enrolment', '{}', $2, $3) RETURNING id",
            ["person", "operator"]
        ),
        (
            "voucher",
            "INSERT INTO shebao.voucher (office_id, application_id, person_id, number, verification_code, content) VALUES ($1, $2, $3, '320100-20261130-' || lpad($4::text, 6, '0'), 'ABCDEFGH', '{}') RETURNING id",
            ["application", "person", "#number"]
        ),
        (
            // Bound for the province: a destination that sees every office anyway, so that the
            // destination's own policy leaves the isolation between the cities as it is.
            "person_transfer",
            "INSERT INTO shebao.person_transfer (office_id, destination_office_id, person_id, citizen_id, last_period, out_application_id) VALUES ($1, (SELECT parent_id FROM shebao.office WHERE id = $1), $2, '110105199003071239', 202612, $3) RETURNING id",
            ["person", "application"]
        ),
        (
            "voucher_sequence",
            "INSERT INTO shebao.voucher_sequence (office_id, day, last_value) VALUES ($1, '2026-11-30'::date + $2::int, 1) RETURNING office_id",
            ["#number"]
        ),
        (
            "idempotency_key",
            "INSERT INTO shebao.idempotency_key (office_id, principal_kind, principal_id, key, request_hash) VALUES ($1, 'operator', $2, 'key-' || $2::text, sha256('x')) RETURNING id",
            ["operator"]
        ),
        (
            "benefit",
            "INSERT INTO shebao.benefit (office_id, person_id, scheme_code, kind, monthly_amount_fen, start_period, bank_card_number, bank_code) VALUES ($1, $2, '110', 'basic_pension', 300000, 202601, '6222020200112233445', 'ICBC') RETURNING id",
            ["person"]
        ),
        (
            "disbursement_schedule",
            "INSERT INTO shebao.disbursement_schedule (office_id, benefit_kind, day_of_month) VALUES ($1, 'basic_pension', 10) RETURNING id",
            []
        ),
        (
            "disbursement_run",
            "INSERT INTO shebao.disbursement_run (office_id, benefit_kind, period, value_date, origin, created_by) VALUES ($1, 'basic_pension', 202601, '2026-01-15', 'api', $2) RETURNING id",
            ["operator"]
        ),
        (
            "disbursement_task",
            "INSERT INTO shebao.disbursement_task (office_id, run_id, kind) VALUES ($1, $2, 'compute') RETURNING id",
            ["disbursement_run"]
        ),
        (
            "payment_obligation",
            "INSERT INTO shebao.payment_obligation (office_id, benefit_id, person_id, benefit_kind, period, amount_fen) VALUES ($1, $2, $3, 'basic_pension', 202601, 300000) RETURNING id",
            ["benefit", "person"]
        ),
        (
            "payment_attempt",
            "INSERT INTO shebao.payment_attempt (office_id, run_id, obligation_id, benefit_id, person_id, period, payee_name, bank_code, bank_card_number, amount_fen) VALUES ($1, $2, $3, $4, $5, 202601, '张三', 'ICBC', '6222020200112233445', 300000) RETURNING id",
            ["disbursement_run", "payment_obligation", "benefit", "person"]
        ),
        (
            "run_exclusion",
            "INSERT INTO shebao.run_exclusion (office_id, run_id, benefit_id, person_id, reason, amount_fen) VALUES ($1, $2, $3, $4, 'suspended', 0) RETURNING benefit_id",
            ["disbursement_run", "benefit", "person"]
        ),
        (
            "bank_batch",
            "INSERT INTO shebao.bank_batch (office_id, run_id, batch_index, batch_number, bank_code, file_format, first_attempt_id, last_attempt_id, line_count, total_fen) VALUES ($1, $2, 0, 'SB' || lpad($3::text, 13, '0'), 'ICBC', 'fixed', 1, 1, 1, 300000) RETURNING id",
            ["disbursement_run", "#number"]
        ),
        (
            "bank_file",
            "INSERT INTO shebao.bank_file (office_id, run_id, batch_id, kind, file_format, file_name, content, sha256, line_count, total_fen) VALUES ($1, $2, $3, 'payment', 'fixed', 'pay.txt', 'x', sha256('x'), 1, 300000) RETURNING id",
            ["disbursement_run", "bank_batch"]
        ),
        (
            "return_line",
            "INSERT INTO shebao.return_line (office_id, file_id, run_id, line_number, reference, paid, outcome) VALUES ($1, $2, $3, 1, 'P000000000001', true, 'duplicate') RETURNING file_id",
            ["bank_file", "disbursement_run"]
        ),
        (
            "notification_outbox",
            "INSERT INTO shebao.notification_outbox (office_id, person_id, channel, template, payload) VALUES ($1, $2, 'inbox', 'approved', '{}') RETURNING id",
            ["person"]
        ),
        (
            "inbox_message",
            "INSERT INTO shebao.inbox_message (office_id, person_id, title, body) VALUES ($1, $2, '通知', '已办结') RETURNING id",
            ["person"]
        ),
        (
            "announcement",
            "INSERT INTO shebao.announcement (office_id, audience, title, body) VALUES ($1, 'staff', '公告', '内容') RETURNING id",
            []
        ),
        (
            "audit_event",
            "INSERT INTO shebao.audit_event (office_id, actor_kind, actor_id, action, outcome) VALUES ($1, 'operator', $2, 'person.read', 'success') RETURNING id",
            ["operator"]
        ),
    ]

    /// Tables whose rows an insured person sees (their own): those with a person column.
    static let personReadable: Set<String> = [
        "session", "person", "person_document", "enrolment", "base_declaration", "contribution_due",
        "personal_account_entry", "application", "voucher", "benefit", "payment_obligation", "payment_attempt",
        "inbox_message", "person_transfer",
    ]

    /// The key column of each table (`id` but for two).
    static func keyColumn(_ table: String) -> String {
        switch table {
        case "voucher_sequence": "office_id"
        case "run_exclusion": "benefit_id"
        case "return_line": "file_id"
        case "person_credential": "person_id"
        default: "id"
        }
    }

    private static func populate(_ connection: PostgresConnection, office: Int64, number: Int) throws -> [String: Int64]
    {
        var rows: [String: Int64] = [:]
        let citizen = Self.citizenID(number: number, male: true)
        for (table, insert, uses) in Self.tables {
            var binds: [(any PostgresEncodable)?] = [office]
            for use in uses {
                switch use {
                case "#number": binds.append(number)
                case "#citizen": binds.append(citizen)
                default: binds.append(rows[use]!)
                }
            }
            rows[table] = try connection.query(insert, binds).single().decode(0, as: Int64.self)
        }
        return rows
    }
}
