import BankFiles
import Domain
import Foundation
import Postgres
import Security
import Store

/// Exporting a run (stage `batches`: the batches, per bank and at most its largest batch, as
/// one set-based statement whose result is a function of the run's lines; stage `files`: one
/// file per batch and transaction, byte for byte the same if written again; stage `mark`: the
/// run exported), and importing a return file (stage `lines`: a page of lines per transaction,
/// each line recorded once by (file, line) with the attempt it settles, the paid payees
/// notified in the same statement).
extension DisbursementEngine {
    func export(_ task: ClaimedDisbursementTask, _ touched: Touched, on connection: PostgresConnection) throws -> Step {
        let run = touched.run
        guard run.status == .approved else {
            // Exported already (a second export task cannot exist), or moved on: nothing to do.
            try self.finish(task, on: connection)
            return .finished(.export)
        }
        switch touched.stage {
        case "batches":
            let count = try connection.query(FileStatements.countBatches, [run.id]).single().decode(0, as: Int.self)
            guard count <= 999 else {
                throw BusinessFailure(
                    .unprocessable,
                    zh: "批次数超过 999，请提高银行的单批笔数上限",
                    en: "over 999 batches: raise the banks' largest batch"
                )
            }
            try connection.query(FileStatements.insertBatches, [run.id, run.officeID])
            // Every line of the run is in a batch: a line whose bank is not known would be in none.
            let batched = try connection.query(FileStatements.batchTotals, [run.id]).single()
            guard try batched.decode(0, as: Int.self) == run.lineCount,
                try batched.decode(1, as: Int64.self) == run.totalFen
            else {
                throw DisbursementRuns.corrupt
            }
            try self.advance(task, stage: "files", checkpoint: 0, done: 0, total: Int64(count), on: connection)
            return .more("export.batches")
        case "files":
            guard let batch = try connection.query(FileStatements.nextBatch, [run.id, touched.checkpoint]).first else {
                try self.advance(
                    task,
                    stage: "mark",
                    checkpoint: touched.checkpoint,
                    done: touched.checkpoint,
                    on: connection
                )
                return .more("export.files_written")
            }
            let index = try batch.decode("batch_index", as: Int64.self)
            try self.writeFile(of: batch, run: run, on: connection)
            try self.advance(task, stage: "files", checkpoint: index + 1, done: index + 1, on: connection)
            return .more("export.file.\(index + 1)")
        case "mark":
            guard try connection.query(FileStatements.markExported, [run.id]).affectedRows == 1 else {
                throw DisbursementRuns.corrupt
            }
            // A run of no lines has nothing to wait for.
            try connection.query(FileStatements.reconcile, [run.id])
            try self.finish(task, on: connection)
            return .finished(.export)
        default:
            throw DisbursementRuns.corrupt
        }
    }

    /// Writes the payment file of `batch`, or checks that the one written before has the same
    /// bytes.
    private func writeFile(of batch: PostgresRow, run: DisbursementRun, on connection: PostgresConnection) throws {
        let batchID = try batch.decode("id", as: Int64.self)
        let batchNumber = try batch.decode("batch_number", as: String.self)
        guard let format = PaymentFileFormat(rawValue: try batch.decode("file_format", as: String.self)),
            let valueDate = BankDate(yyyymmdd: try batch.decode("value_date", as: String.self))
        else {
            throw DisbursementRuns.corrupt
        }
        let header = PaymentBatchHeader(
            batchNumber: batchNumber,
            officeCode: try batch.decode("office_code", as: String.self),
            valueDate: valueDate,
            period: run.period.value,
            currency: "CNY",
            payerAccount: try batch.decode("payer_account", as: String.self),
            payerName: try batch.decode("payer_name", as: String.self),
            payerBIC: try batch.decode("bic", as: String.self),
            createdAt: try batch.decode("created_at", as: String.self),
            remittance: "\(run.kind.name(.zh)) \(run.period.value)"
        )
        let expected = try batch.decode("line_count", as: Int.self)
        var writer = PaymentFileWriter(format: format, header: header, expectedLines: expected)
        var after = try batch.decode("first_attempt_id", as: Int64.self) - 1
        let last = try batch.decode("last_attempt_id", as: Int64.self)
        let bank = try batch.decode("bank_code", as: String.self)
        var sequence = 0
        var total: Int64 = 0
        while true {
            let rows = try connection.query(FileStatements.batchLines, [run.id, bank, after, last, 10_000])
            if rows.isEmpty { break }
            for row in rows {
                sequence += 1
                let id = try row.decode(0, as: Int64.self)
                let amount = try row.decode(3, as: Int64.self)
                total += amount
                try writer.append(
                    PaymentLine(
                        sequence: sequence,
                        reference: PaymentReference.make(id),
                        cardNumber: try row.decode(1, as: String.self),
                        payeeName: try row.decode(2, as: String.self),
                        amountFen: amount
                    )
                )
                after = id
            }
        }
        guard sequence == expected, total == (try batch.decode("total_fen", as: Int64.self)) else {
            throw DisbursementRuns.corrupt
        }
        let content = writer.finish()
        let digest = SHA256.hash(content)
        let name = "\(batchNumber).\(format == .pain001 ? "xml" : "txt")"
        if try connection.query(
            FileStatements.insertPaymentFile,
            [
                run.officeID, run.id, batchID, format.rawValue, name, PostgresBytes(content), PostgresBytes(digest),
                expected, total,
            ]
        ).first == nil {
            let stored = try connection.query(FileStatements.paymentFileDigest, [batchID]).single()
                .decode(0, as: PostgresBytes.self).bytes
            guard stored == digest else {
                throw BusinessFailure(
                    .corrupt,
                    zh: "批次 \(batchNumber) 重新生成的文件与已保存的不同",
                    en: "batch \(batchNumber) written again differs from the file kept"
                )
            }
        }
    }

    func importReturn(
        _ task: ClaimedDisbursementTask,
        _ touched: Touched,
        file: inout ParsedReturnFile?,
        on connection: PostgresConnection
    ) throws -> Step {
        let run = touched.run
        guard let fileID = touched.returnFileID else { throw DisbursementRuns.corrupt }
        if file == nil {
            let content = try connection.query(FileStatements.returnContent, [fileID]).single()
                .decode(0, as: PostgresBytes.self).bytes
            file = try ReturnFileReading.read(content)
        }
        guard let parsed = file else { throw DisbursementRuns.corrupt }
        let page = parsed.lines.lazy.filter { Int64($0.lineNumber) > touched.checkpoint }.prefix(self.pageSize)
        guard let lastLine = page.last?.lineNumber else {
            try connection.query(FileStatements.reconcile, [run.id])
            try self.finish(task, on: connection)
            return .finished(.import)
        }
        let lines = Array(page)
        let row = try connection.query(
            FileStatements.applyLines,
            [
                fileID, run.id, SQLArray.integers(lines.map { Int64($0.lineNumber) }),
                SQLArray.texts(lines.map(\.reference)),
                SQLArray.integers(lines.map { PaymentReference.lineID($0.reference) }),
                SQLArray.integers(lines.map(\.amountFen)), SQLArray.booleans(lines.map(\.paid)),
                SQLArray.texts(lines.map(\.reasonCode)), run.officeID, run.kind.name(.zh), run.kind.name(.en),
            ]
        ).single()
        try connection.query(
            FileStatements.countSettled,
            [
                run.id, try row.decode("paid_count", as: Int64.self), try row.decode("paid_fen", as: Int64.self),
                try row.decode("failed_count", as: Int64.self), try row.decode("failed_fen", as: Int64.self),
            ]
        )
        for quarantined in try connection.query(
            FileStatements.quarantinedOfPage,
            [fileID, touched.checkpoint, lastLine]
        ) {
            try AuditTrail.append(
                AuditEvent(
                    officeID: run.officeID,
                    actor: .system,
                    action: "disbursement.return_quarantined",
                    outcome: "denied",
                    target: ("bank_file", fileID),
                    requestID: nil,
                    clientAddress: nil,
                    before: nil,
                    after: try PostgresJSON(
                        encoding: [
                            "runId": "\(run.id)", "line": "\(try quarantined.decode(0, as: Int.self))",
                            "reference": try quarantined.decode(1, as: String.self),
                            "reason": try quarantined.decode(2, as: String.self),
                        ]
                    )
                ),
                on: connection
            )
        }
        try self.advance(task, stage: "lines", checkpoint: Int64(lastLine), done: Int64(lastLine), on: connection)
        try connection.query(FileStatements.reconcile, [run.id])
        return .more("import.page.\(Int(touched.checkpoint) / self.pageSize + 1)")
    }
}

/// Arrays as bind parameters, in PostgreSQL's text form (`{1,NULL,3}`): the values are digits,
/// `t`/`f`, or text of the return files' alphabet ([A-Z0-9]), quoted all the same.
enum SQLArray {
    static func integers(_ values: [Int64?]) -> String {
        "{" + values.map { $0.map { String($0) } ?? "NULL" }.joined(separator: ",") + "}"
    }

    static func booleans(_ values: [Bool]) -> String {
        "{" + values.map { $0 ? "t" : "f" }.joined(separator: ",") + "}"
    }

    static func texts(_ values: [String?]) -> String {
        "{"
            + values.map { value in
                guard let value else { return "NULL" }
                let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "\"",
                    with: "\\\""
                )
                return "\"" + escaped + "\""
            }.joined(separator: ",") + "}"
    }
}

enum FileStatements {
    // The run's pending lines in batches: per bank in line order, at most the bank's largest
    // batch each; numbered across the run by bank code, then position.
    static let grouped = """
        SELECT a.bank_code, k.file_format, (a.rn - 1) / k.max_batch_lines AS chunk, min(a.id) AS first_id, \
        max(a.id) AS last_id, count(*) AS n, sum(a.amount_fen) AS s \
        FROM (SELECT x.id, x.bank_code, x.amount_fen, row_number() OVER (PARTITION BY x.bank_code ORDER BY x.id) AS rn \
        FROM shebao.payment_attempt x WHERE x.run_id = $1::bigint AND x.status = 'pending') a \
        JOIN shebao.bank k ON k.code = a.bank_code GROUP BY a.bank_code, k.file_format, (a.rn - 1) / k.max_batch_lines
        """
    static let countBatches = PreparedStatement("SELECT count(*) FROM (\(grouped)) g")
    static let insertBatches = PreparedStatement(
        """
        INSERT INTO shebao.bank_batch (office_id, run_id, batch_index, batch_number, bank_code, file_format, \
        first_attempt_id, last_attempt_id, line_count, total_fen) \
        SELECT $2::bigint, $1::bigint, g.idx - 1, 'SB' || lpad($1::text, 10, '0') || lpad(g.idx::text, 3, '0'), \
        g.bank_code, g.file_format, g.first_id, g.last_id, g.n, g.s \
        FROM (SELECT row_number() OVER (ORDER BY c.bank_code, c.chunk)::integer AS idx, c.* FROM (\(grouped)) c) g \
        ON CONFLICT (run_id, batch_index) DO NOTHING
        """
    )
    static let batchTotals = PreparedStatement(
        """
        SELECT coalesce(sum(line_count), 0)::bigint, coalesce(sum(total_fen), 0)::bigint FROM shebao.bank_batch \
        WHERE run_id = $1::bigint
        """
    )
    static let nextBatch = PreparedStatement(
        """
        SELECT b.id, b.batch_index, b.batch_number, b.bank_code, b.file_format, b.first_attempt_id, b.last_attempt_id, \
        b.line_count, b.total_fen, k.bic, k.payer_account, k.payer_name, o.code AS office_code, \
        to_char(r.approved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') AS created_at, \
        to_char(r.value_date, 'YYYYMMDD') AS value_date \
        FROM shebao.bank_batch b JOIN shebao.bank k ON k.code = b.bank_code \
        JOIN shebao.disbursement_run r ON r.id = b.run_id JOIN shebao.office o ON o.id = r.office_id \
        WHERE b.run_id = $1::bigint AND b.batch_index >= $2::bigint ORDER BY b.batch_index LIMIT 1
        """
    )
    static let batchLines = PreparedStatement(
        """
        SELECT a.id, a.bank_card_number, a.payee_name, a.amount_fen FROM shebao.payment_attempt a \
        WHERE a.run_id = $1::bigint AND a.bank_code = $2::text AND a.id > $3::bigint AND a.id <= $4::bigint \
        AND a.status = 'pending' ORDER BY a.id LIMIT $5::integer
        """
    )
    static let insertPaymentFile = PreparedStatement(
        """
        INSERT INTO shebao.bank_file (office_id, run_id, batch_id, kind, file_format, file_name, content, sha256, \
        line_count, total_fen) VALUES ($1::bigint, $2::bigint, $3::bigint, 'payment', $4::text, $5::text, $6::bytea, \
        $7::bytea, $8::integer, $9::bigint) ON CONFLICT (batch_id) WHERE kind = 'payment' DO NOTHING RETURNING id
        """
    )
    static let paymentFileDigest = PreparedStatement(
        "SELECT sha256 FROM shebao.bank_file WHERE batch_id = $1::bigint AND kind = 'payment'"
    )
    static let markExported = PreparedStatement(
        """
        UPDATE shebao.disbursement_run SET status = 'exported', exported_at = now(), version = version + 1 \
        WHERE id = $1::bigint AND status = 'approved'
        """
    )
    // The run closes when no line of it waits for the bank.
    static let reconcile = PreparedStatement(
        """
        UPDATE shebao.disbursement_run r SET status = 'reconciled', reconciled_at = now(), version = r.version + 1 \
        WHERE r.id = $1::bigint AND r.status = 'exported' \
        AND NOT EXISTS (SELECT 1 FROM shebao.payment_attempt a WHERE a.run_id = $1::bigint AND a.status = 'pending')
        """
    )
    static let returnContent = PreparedStatement(
        "SELECT content FROM shebao.bank_file WHERE id = $1::bigint AND kind = 'return'"
    )
    // One page of a return file's lines: each recorded once by (file, line); a line applies when
    // it names a pending line of the run with its amount (where it gives one) and is the page's
    // first for that line; the paid lines' payees are told in the same statement.
    //
    // The plan must not depend on what the planner believes of the tables' sizes, which grow by
    // the page: each line finds its attempt by id (`OFFSET 0` keeps it a look-up), the lines
    // recorded before are one range of the file's key met in a hashed NOT IN, and the attempts
    // settle by id from one row holding the page's decisions (a key-sorted JSON object), never
    // by a join the planner might turn into a loop over the run.
    static let applyLines = PreparedStatement(
        """
        WITH input AS (SELECT * FROM unnest($3::integer[], $4::text[], $5::bigint[], $6::bigint[], $7::boolean[], \
        $8::text[]) AS l (line_number, reference, attempt_id, amount_fen, paid, reason_code)), \
        fresh AS (SELECT l.*, a.id AS aid, a.status AS astatus, a.amount_fen AS aamount, \
        row_number() OVER (PARTITION BY a.id ORDER BY l.line_number) AS nth, \
        first_value(l.paid) OVER (PARTITION BY a.id ORDER BY l.line_number) AS first_paid \
        FROM input l LEFT JOIN LATERAL (SELECT x.id, x.status, x.amount_fen FROM shebao.payment_attempt x \
        WHERE x.id = l.attempt_id AND x.run_id = $2::bigint OFFSET 0) a ON true \
        WHERE l.line_number NOT IN (SELECT r.line_number FROM shebao.return_line r WHERE r.file_id = $1::bigint \
        AND r.line_number BETWEEN (SELECT min(i.line_number) FROM input i) AND (SELECT max(i.line_number) FROM input i))), \
        classified AS (SELECT f.*, CASE \
        WHEN f.aid IS NULL THEN 'unknown_reference' \
        WHEN f.amount_fen IS NOT NULL AND f.amount_fen <> f.aamount THEN 'amount_mismatch' \
        WHEN f.astatus = 'pending' AND (f.nth = 1 OR f.paid = f.first_paid) THEN NULL \
        WHEN f.astatus IN ('paid', 'failed') AND (f.astatus = 'paid') = f.paid THEN NULL \
        ELSE 'conflicting_answer' END AS quarantine_reason FROM fresh f), \
        outcomes AS (SELECT c.*, CASE WHEN c.quarantine_reason IS NOT NULL THEN 'quarantined' \
        WHEN c.astatus = 'pending' AND c.nth = 1 THEN 'applied' ELSE 'duplicate' END AS outcome FROM classified c), \
        decided AS (SELECT array_agg(o.aid) AS ids, \
        jsonb_object_agg(o.aid::text, CASE WHEN o.paid THEN '' ELSE o.reason_code END) AS codes \
        FROM outcomes o WHERE o.outcome = 'applied'), \
        settled AS (UPDATE shebao.payment_attempt a \
        SET status = CASE WHEN d.codes ->> a.id::text = '' THEN 'paid' ELSE 'failed' END, \
        failure_code = nullif(d.codes ->> a.id::text, ''), settled_at = now(), return_file_id = $1::bigint \
        FROM decided d WHERE a.id = ANY (d.ids) AND a.settled_at IS NULL \
        RETURNING a.id, a.status, a.office_id, a.person_id, a.amount_fen, a.period, a.bank_card_number), \
        recorded AS (INSERT INTO shebao.return_line (file_id, line_number, office_id, run_id, reference, amount_fen, paid, \
        reason_code, attempt_id, outcome, quarantine_reason) \
        SELECT $1::bigint, o.line_number, $9::bigint, $2::bigint, o.reference, o.amount_fen, o.paid, o.reason_code, \
        o.aid, o.outcome, o.quarantine_reason FROM outcomes o), \
        notified AS (INSERT INTO shebao.notification_outbox (office_id, person_id, channel, template, payload) \
        SELECT s.office_id, s.person_id, 'inbox', 'disbursement.paid', jsonb_build_object('lineId', s.id::text, \
        'runId', $2::text, 'period', s.period::text, \
        'periodName', (s.period / 100)::text || '年' || (s.period % 100)::text || '月', \
        'amount', (s.amount_fen / 100)::text || '.' || lpad((s.amount_fen % 100)::text, 2, '0'), \
        'cardTail', right(s.bank_card_number, 4), 'kindName', $10::text, 'kindNameEn', $11::text) \
        FROM settled s WHERE s.status = 'paid') \
        SELECT count(*) FILTER (WHERE s.status = 'paid') AS paid_count, \
        coalesce(sum(s.amount_fen) FILTER (WHERE s.status = 'paid'), 0)::bigint AS paid_fen, \
        count(*) FILTER (WHERE s.status = 'failed') AS failed_count, \
        coalesce(sum(s.amount_fen) FILTER (WHERE s.status = 'failed'), 0)::bigint AS failed_fen FROM settled s
        """
    )
    static let countSettled = PreparedStatement(
        """
        UPDATE shebao.disbursement_run SET paid_count = paid_count + $2::integer, paid_fen = paid_fen + $3::bigint, \
        failed_count = failed_count + $4::integer, failed_fen = failed_fen + $5::bigint WHERE id = $1::bigint
        """
    )
    static let quarantinedOfPage = PreparedStatement(
        """
        SELECT line_number, reference, quarantine_reason FROM shebao.return_line \
        WHERE file_id = $1::bigint AND line_number > $2::integer AND line_number <= $3::integer \
        AND outcome = 'quarantined' ORDER BY line_number
        """
    )
}
