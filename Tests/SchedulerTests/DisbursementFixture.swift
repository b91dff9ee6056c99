import BankFiles
import Foundation
import Postgres
import TestSupport
import Testing

/// Disbursement on a ``SchedulerFixture``: pensioners at office A, runs created and approved as
/// an officer and an approver would (as the superuser, the way the business layer writes them),
/// the bank's answer written and uploaded, and waits with deadlines for what the scheduler
/// processes do.
extension SchedulerFixture {
    /// Runs `sql` as the superuser; returns the rows it changed.
    @discardableResult
    func execute(_ sql: String, _ binds: [(any PostgresEncodable)?] = []) throws -> Int {
        try self.database.withConnection { try $0.query(sql, binds).affectedRows }
    }

    /// An operator to name as a run's approver.
    func addApprover() throws -> Int64 {
        try self.scalar(
            """
            INSERT INTO shebao.operator (office_id, username, display_name, password_hash)
            VALUES ($1, 'approver-' || substr(md5(random()::text), 1, 8), '发放审批员', 'not-a-hash-of-any-password') RETURNING id
            """,
            [self.officeA],
            as: Int64.self
        )
    }

    /// Loads `count` pensioners at `office` (office A by default).
    func addPensioners(_ count: Int, first: Int = 0, office: Int64? = nil, region: String = "320100") throws {
        try self.database.withConnection { connection in
            _ = try Pensioners.load(count, first: first, office: office ?? self.officeA, region: region, on: connection)
        }
    }

    /// A run of basic pensions for `period` at `office`, as the schedule creates one, with its
    /// computation queued.
    func createRun(period: Int = 202611, office: Int64? = nil) throws -> Int64 {
        let office = office ?? self.officeA
        let run = try self.scalar(
            """
            INSERT INTO shebao.disbursement_run (office_id, benefit_kind, period, value_date, origin)
            VALUES ($1, 'basic_pension', $2, make_date($2::integer / 100, $2::integer % 100, 15), 'schedule') RETURNING id
            """,
            [office, period],
            as: Int64.self
        )
        _ = try self.scalar(
            """
            INSERT INTO shebao.disbursement_task (office_id, run_id, kind, stage, total)
            SELECT $1, $2, 'compute', 'payees', count(*) FROM shebao.benefit WHERE office_id = $1 RETURNING id
            """,
            [office, run],
            as: Int64.self
        )
        return run
    }

    /// Approves the computed run and queues its export.
    func approveAndExport(_ run: Int64, approver: Int64) throws {
        let office = try self.scalar(
            """
            UPDATE shebao.disbursement_run SET status = 'approved', approved_by = $2, approved_at = now(),
                version = version + 1
            WHERE id = $1 AND status = 'computed' RETURNING office_id
            """,
            [run, approver],
            as: Int64.self
        )
        try self.execute(
            "INSERT INTO shebao.disbursement_task (office_id, run_id, kind, stage) VALUES ($1, $2, 'export', 'batches')",
            [office, run]
        )
    }

    /// The run's status.
    func runStatus(_ run: Int64) throws -> String {
        try self.scalar("SELECT status FROM shebao.disbursement_run WHERE id = $1", [run], as: String.self)
    }

    /// Waits until the run is in `status` (a look that fails, while the database restarts,
    /// counts as not yet).
    func waitForRun(_ run: Int64, _ status: String, timeout: Duration = .seconds(120)) -> Bool {
        waitUntil(timeout: timeout) { (try? self.runStatus(run)) == status }
    }

    /// The run's lines as a set of comparable rows (everything but their ids and run).
    func lineSet(_ run: Int64) throws -> Set<String> {
        try self.database.withConnection { connection in
            Set(
                try connection.query(
                    """
                    SELECT benefit_id || '|' || period || '|' || payee_name || '|' || bank_code || '|' || bank_card_number
                        || '|' || amount_fen || '|' || coalesce(carried_from::text, '-')
                    FROM shebao.payment_attempt WHERE run_id = $1 AND status <> 'cancelled'
                    """,
                    [run]
                ).map { try $0.decode(0, as: String.self) }
            )
        }
    }

    /// The payment files of the run: batch number, sha256 (hex) and bytes.
    func paymentFiles(_ run: Int64) throws -> [(batch: String, sha: String, content: [UInt8])] {
        try self.database.withConnection { connection in
            try connection.query(
                """
                SELECT b.batch_number, encode(f.sha256, 'hex'), f.content FROM shebao.bank_file f
                JOIN shebao.bank_batch b ON b.id = f.batch_id WHERE f.run_id = $1 AND f.kind = 'payment'
                ORDER BY b.batch_index
                """,
                [run]
            ).map {
                (
                    try $0.decode(0, as: String.self), try $0.decode(1, as: String.self),
                    try $0.decode(2, as: PostgresBytes.self).bytes
                )
            }
        }
    }

    /// The bank's answer to every payment file of the run, as fixed return files: every line
    /// paid but each `failEvery`-th (AC04, closed account).
    func bankAnswers(_ run: Int64, failEvery: Int = 100) throws -> [[UInt8]] {
        try self.paymentFiles(run).map { file in
            let payment = try PaymentFile.parse(file.content)
            let lines = payment.lines.map { line in
                let fails = line.sequence % failEvery == 0
                return ReturnLine(
                    lineNumber: line.sequence,
                    reference: line.reference,
                    amountFen: line.amountFen,
                    paid: !fails,
                    reasonCode: fails ? "AC04" : nil
                )
            }
            return ReturnFileWriter.write(
                .fixed,
                batchNumber: file.batch,
                bankCode: "ICBC",
                answeredOn: BankDate(year: 2026, month: 11, day: 16),
                lines: lines
            )
        }
    }

    /// Takes a return file for the run as the upload does: the file kept, its import queued;
    /// the same file again is the same upload (nothing is queued twice).
    func uploadReturn(_ run: Int64, _ content: [UInt8]) throws {
        let parsed = try ReturnFile.parse(content)
        try self.database.withConnection { connection in
            try connection.withTransaction { tx in
                guard
                    let file = try tx.query(
                        """
                        INSERT INTO shebao.bank_file (office_id, run_id, kind, file_format, file_name, content, sha256,
                            line_count, total_fen, uploaded_by)
                        SELECT r.office_id, r.id, 'return', $2, 'answer.txt', $3, sha256($3), $4, $5, r.approved_by
                        FROM shebao.disbursement_run r WHERE r.id = $1
                        ON CONFLICT (run_id, sha256) WHERE kind = 'return' DO NOTHING RETURNING id, office_id
                        """,
                        [run, parsed.format.rawValue, PostgresBytes(content), parsed.count, parsed.totalFen]
                    ).first
                else { return }
                try tx.query(
                    """
                    INSERT INTO shebao.disbursement_task (office_id, run_id, kind, return_file_id, stage, total)
                    VALUES ($1, $2, 'import', $3, 'lines', $4)
                    """,
                    [try file.decode(1, as: Int64.self), run, try file.decode(0, as: Int64.self), parsed.count]
                )
            }
        }
    }

    /// The disbursement invariants hold.
    func expectDisbursementInvariants(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let violations = try self.database.withConnection { try DisbursementInvariants.violations(on: $0) }
        #expect(violations.isEmpty, "\(violations)", sourceLocation: sourceLocation)
    }
}
