import Domain
import EmbeddedPostgres
import Foundation
import Postgres
import Security
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the disbursement flows add to ``BusinessFixture``: pensioners with benefits (loaded as
/// the superuser), a real `shebao scheduler` to compute and export runs, and waiting for a run
/// to reach a status.
extension BusinessFixture {
    static let runs = "/api/v1/disbursement-runs"

    /// Inserts `count` persons at the office `code` with an active basic pension each (3,000.00
    /// yuan and a yuan more for each next one; men, as the odd sequence of their citizen IDs says),
    /// paid by ICBC and BOC in turn; with `suspended`,
    /// one more whose pension is suspended. Returns the benefit ids.
    @discardableResult
    func addPensioners(_ count: Int, office code: String = "320102", suspended: Bool = false) throws -> [Int64] {
        let office = try #require(self.offices[code])
        var benefits: [Int64] = []
        for index in 0..<(count + (suspended ? 1 : 0)) {
            let citizen = try #require(
                CitizenID.complete(body: code + "19500101" + String(format: "%03d", index * 2 + 1))
            )
            let card = "6222021234567" + String(format: "%05d", index + Int(office) * 100)
            let person = try self.sql(
                """
                INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type)
                VALUES ($1, $2, $3, 'male', '1950-01-01', 'urban') RETURNING id
                """,
                [office, citizen, "退休人员\(index)"]
            ).single().decode(0, as: Int64.self)
            let isSuspended = index == count
            benefits.append(
                try self.sql(
                    """
                    INSERT INTO shebao.benefit (office_id, person_id, scheme_code, kind, monthly_amount_fen, start_period,
                        bank_card_number, bank_code, status, status_reason, status_changed_on)
                    VALUES ($1, $2, '110', 'basic_pension', $3, 202401, $4, $5, $6, $7, $8::date) RETURNING id
                    """,
                    [
                        office, person, 300_000 + Int64(index) * 100,
                        card + String(try #require(Luhn.checkDigit(payload: card))),
                        index % 2 == 0 ? "ICBC" : "BOC", isSuspended ? "suspended" : "active",
                        isSuspended ? "资格认证未通过" : nil, isSuspended ? "2026-01-01" : nil,
                    ]
                ).single().decode(0, as: Int64.self)
            )
        }
        return benefits
    }

    /// Starts `shebao scheduler` as a login role of `shebao_app` (never a superuser: the
    /// scheduler replaces the URL's `options`), polling quickly, and waits until it listens.
    func startScheduler() throws -> BackgroundProcess {
        let role = "sched_" + self.database.name.suffix(8)
        let password = "pw-" + UUID().uuidString.prefix(8)
        try self.database.withConnection { connection in
            try DatabaseBootstrap.ensureLoginRole(role, password: password, memberOf: "shebao_app", on: connection)
        }
        var url = try #require(URLComponents(string: try self.database.url()))
        url.user = role
        url.password = password
        let process = try BackgroundProcess(
            try #require(TestEnvironment.shebaoExecutable),
            ["scheduler", "--poll-interval", "0.5", "--lease-duration", "5"],
            environment: ["DATABASE_URL": url.string, "SHEBAO_FAILPOINTS": nil]
        )
        let up = process.waitUntil(timeout: .seconds(30)) { process.standardError.contains("listening") }
        try #require(up, "the scheduler did not start: \(process.standardError)")
        return process
    }

    /// Waits until the run `id` is in `status`, as `token` reads it.
    func waitForRun(_ id: Int, status: String, token: String) throws {
        var last = ""
        let reached = try waitUntil(timeout: .seconds(60)) {
            let run = try self.request("GET", "\(Self.runs)/\(id)", token: token)
            last = run.text
            return run.object["status"] as? String == status
        }
        try #require(reached, "run \(id) did not become \(status): \(last)")
    }

    /// Marks the approved run `id` exported, as the superuser, the way the export leaves it: a
    /// batch and a payment file per bank of its lines (fixed-width or XML by the bank's format),
    /// the export task done. The scheduler's export itself is written elsewhere and not yet in
    /// this build; the files here are stand-ins, not bank formats.
    func markExported(_ id: Int) throws {
        _ = try self.sql(
            """
            WITH lines AS (
                SELECT a.office_id, a.run_id, a.bank_code, min(a.id) AS first_id, max(a.id) AS last_id,
                    count(*)::integer AS n, sum(a.amount_fen)::bigint AS total,
                    (row_number() OVER (ORDER BY a.bank_code) - 1)::integer AS batch_index,
                    string_agg(a.id::text || ' ' || a.amount_fen::text, E'\n' ORDER BY a.id) AS body
                FROM shebao.payment_attempt a WHERE a.run_id = $1 GROUP BY a.office_id, a.run_id, a.bank_code
            ), batches AS (
                INSERT INTO shebao.bank_batch (office_id, run_id, batch_index, batch_number, bank_code, file_format,
                    first_attempt_id, last_attempt_id, line_count, total_fen)
                SELECT l.office_id, l.run_id, l.batch_index, 'SB' || lpad((l.run_id * 100 + l.batch_index)::text, 13, '0'),
                    l.bank_code, b.file_format, l.first_id, l.last_id, l.n, l.total
                FROM lines l JOIN shebao.bank b ON b.code = l.bank_code
                RETURNING id, office_id, run_id, batch_index, batch_number, file_format, line_count, total_fen
            ), files AS (
                SELECT bt.*, convert_to(CASE bt.file_format WHEN 'fixed' THEN l.body
                    ELSE '<?xml version="1.0" encoding="UTF-8"?><Document>' || l.body || '</Document>' END, 'UTF8') AS content
                FROM batches bt JOIN lines l ON l.batch_index = bt.batch_index
            )
            INSERT INTO shebao.bank_file (office_id, run_id, batch_id, kind, file_format, file_name, content, sha256,
                line_count, total_fen)
            SELECT f.office_id, f.run_id, f.id, 'payment', f.file_format,
                f.batch_number || CASE f.file_format WHEN 'fixed' THEN '.txt' ELSE '.xml' END, f.content,
                sha256(f.content), f.line_count, f.total_fen
            FROM files f
            """,
            [Int64(id)]
        )
        _ = try self.sql(
            """
            UPDATE shebao.disbursement_run SET status = 'exported', exported_at = now(), version = version + 1
            WHERE id = $1 AND status = 'approved'
            """,
            [Int64(id)]
        )
        _ = try self.sql(
            """
            UPDATE shebao.disbursement_task SET status = 'done', stage = 'files', finished_at = now()
            WHERE run_id = $1 AND kind = 'export'
            """,
            [Int64(id)]
        )
    }

    /// The audit events of `action`.
    func auditCount(_ action: String) throws -> Int64 {
        try self.sql("SELECT count(*) FROM shebao.audit_event WHERE action = $1", [action]).single().decode(
            0,
            as: Int64.self
        )
    }

    /// A code of `username`'s second factor for the step after the current one: the log-in spent
    /// the current one, and a step ahead is inside the verification window.
    static func nextCode(_ username: String) -> String {
        let totp = Self.totp(username)
        return totp.code(step: totp.step(at: Int64(Date().timeIntervalSince1970)) + 1)
    }
}
