import ArgumentParser
import BankFiles
import Foundation
import Postgres

/// The simulated bank of `make bench-disburse`: reads the payment files of every exported run,
/// answers each in the return format of its kind (a fixed-width file with a fixed-width return
/// file, a pain.001 with a pain.002), paying every line but every `--fail-every`-th (AC04,
/// closed account), and hands the answers in as an upload does: each file kept, its import
/// queued. Connects as the schema owner or a superuser. Prints the lines answered.
struct BankAnswer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank-answer",
        abstract: "Answer the exported runs' payment files as a bank would, and queue their import."
    )

    @Option(help: "Database URL (the schema owner or a superuser).")
    var url: String

    @Option(help: "Every Nth line of a batch fails.")
    var failEvery: Int = 100

    func run() throws {
        let connection = try PostgresConnection.connect(try PostgresConfiguration(url: self.url))
        defer { connection.close() }
        let files = try connection.query(
            """
            SELECT f.id, f.run_id, f.office_id, b.batch_number, r.approved_by FROM shebao.bank_file f
            JOIN shebao.bank_batch b ON b.id = f.batch_id JOIN shebao.disbursement_run r ON r.id = f.run_id
            WHERE f.kind = 'payment' AND r.status = 'exported' ORDER BY f.id
            """
        ).map {
            (
                try $0.decode(0, as: Int64.self), try $0.decode(1, as: Int64.self), try $0.decode(2, as: Int64.self),
                try $0.decode(3, as: String.self), try $0.decode(4, as: Int64.self)
            )
        }
        var answered = 0
        for (fileID, run, office, batch, uploader) in files {
            let content = try connection.query("SELECT content FROM shebao.bank_file WHERE id = $1", [fileID]).single()
                .decode(0, as: PostgresBytes.self).bytes
            let payment = try PaymentFile.parse(content)
            let answer = ReturnFileWriter.write(
                payment.format == .pain001 ? .pain002 : .fixed,
                batchNumber: batch,
                bankCode: "BANK",
                answeredOn: payment.header.valueDate,
                lines: payment.lines.map { line in
                    let fails = line.sequence % max(1, self.failEvery) == 0
                    return ReturnLine(
                        lineNumber: line.sequence,
                        reference: line.reference,
                        amountFen: line.amountFen,
                        paid: !fails,
                        reasonCode: fails ? "AC04" : nil
                    )
                }
            )
            let parsed = try ReturnFile.parse(answer)
            try connection.withTransaction { tx in
                let stored = try tx.query(
                    """
                    INSERT INTO shebao.bank_file (office_id, run_id, kind, file_format, file_name, content, sha256,
                        line_count, total_fen, uploaded_by)
                    VALUES ($1, $2, 'return', $3, $4, $5, sha256($5), $6, $7, $8) RETURNING id
                    """,
                    [
                        office, run, parsed.format.rawValue, batch + "-answer", PostgresBytes(answer), parsed.count,
                        parsed.totalFen, uploader,
                    ]
                ).single().decode(0, as: Int64.self)
                try tx.query(
                    """
                    INSERT INTO shebao.disbursement_task (office_id, run_id, kind, return_file_id, stage, total)
                    VALUES ($1, $2, 'import', $3, 'lines', $4)
                    """,
                    [office, run, stored, parsed.count]
                )
            }
            answered += parsed.count
        }
        print(answered)
    }
}
