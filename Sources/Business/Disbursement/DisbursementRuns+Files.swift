import BankFiles
import Domain
import Foundation
import Postgres
import Security

/// The bank files of a run: the payment files its export wrote (one per batch), and the bank's
/// return files, uploaded whole and imported by the scheduler line by line.
extension DisbursementRuns {
    /// A return file as uploaded.
    public struct Upload: Sendable {
        public var fileName: String
        public var content: [UInt8]

        public init(fileName: String, content: [UInt8]) {
            self.fileName = fileName
            self.content = content
        }
    }

    /// The files of run `id`, payment files first in batch order, then return files as
    /// uploaded.
    public static func files(_ id: Int64, _ context: BusinessContext) throws -> [BankFileRecord] {
        _ = try Self.read(id, context)
        return try context.connection.query(Self.filesOfRun, [id]).map(Self.file)
    }

    /// The file `fileID` of run `id` with its bytes. Audited as `disbursement.download`.
    public static func download(
        _ id: Int64,
        file fileID: Int64,
        _ context: BusinessContext
    ) throws -> (record: BankFileRecord, content: [UInt8]) {
        guard let row = try context.connection.query(Self.fileContent, [id, fileID]).first else {
            throw BusinessFailure.notFound("该银行文件", "file of that run")
        }
        let record = try Self.file(row)
        try context.audit(
            "disbursement.download",
            target: ("bank_file", fileID),
            office: try row.decode("office_id", as: Int64.self)
        )
        return (record, try row.decode("content", as: PostgresBytes.self).bytes)
    }

    /// Takes the bank's return file for the exported run `id`: checks it whole (every line
    /// well-formed, the trailer equal to the lines; otherwise nothing is kept), stores it and
    /// queues its import. The same file again is the same upload: its record comes back, and
    /// nothing is imported twice. Audited as `disbursement.return_upload`.
    ///
    /// - Throws: ``BusinessFailure`` notFound; conflict when the run is not exported (or is
    ///   reconciled); unprocessable, naming the line, for a file that is not a return file of
    ///   a format taken or does not add up, or that answers a batch of another run.
    public static func uploadReturn(
        _ id: Int64,
        _ upload: Upload,
        _ context: BusinessContext
    ) throws -> (record: BankFileRecord, isNew: Bool) {
        let uploader = try context.operatorID
        let run = try Self.lock(id, version: nil, context)
        guard run.status == .exported else {
            throw BusinessFailure(
                .conflict,
                zh: "发放批次当前状态为“\(run.status.name(.zh))”，仅已生成银行文件的批次可以导入回盘文件",
                en: "the run is \(run.status.name(.en)); only an exported run takes return files"
            )
        }
        let parsed = try ReturnFileReading.read(upload.content)
        if let batch = parsed.batchNumber,
            try context.connection.query(Self.batchOfRun, [id, batch]).first == nil
        {
            throw BusinessFailure(
                .unprocessable,
                zh: "回盘文件答复的批次号 \(batch) 不属于发放批次 \(id)",
                en: "the return file answers batch \(batch), which is not one of run \(id)"
            )
        }
        let digest = PostgresBytes(SHA256.hash(upload.content))
        if let existing = try context.connection.query(Self.returnFileByDigest, [id, digest]).first {
            return (try Self.file(existing), false)
        }
        guard
            let row = try context.connection.query(
                Self.insertReturnFile,
                [
                    run.officeID, id, parsed.format, String(upload.fileName.prefix(200)), PostgresBytes(upload.content),
                    digest, parsed.count, parsed.totalFen, uploader,
                ]
            ).first
        else {
            throw Self.corrupt
        }
        let record = try Self.file(row)
        try context.connection.query(Self.insertImportTask, [run.officeID, id, record.id, parsed.count])
        try context.audit(
            "disbursement.return_upload",
            target: ("bank_file", record.id),
            office: run.officeID,
            after: try PostgresJSON(
                encoding: [
                    "runId": "\(id)", "format": parsed.format, "lines": "\(parsed.count)", "sha256": record.sha256,
                ]
            )
        )
        return (record, true)
    }

    /// The return-file lines of run `id` that were quarantined, not applied.
    public static func quarantine(
        _ id: Int64,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> [QuarantinedLine] {
        _ = try Self.read(id, context)
        return try context.connection.query(Self.quarantinedLines, [id, page.limit]).map { row in
            QuarantinedLine(
                fileID: try row.decode("file_id", as: Int64.self),
                lineNumber: try row.decode("line_number", as: Int.self),
                reference: try row.decode("reference", as: String.self),
                amountFen: try row.decode("amount_fen", as: Int64?.self),
                paid: try row.decode("paid", as: Bool.self),
                reasonCode: try row.decode("reason_code", as: String?.self),
                quarantineReason: try row.decode("quarantine_reason", as: String.self)
            )
        }
    }

    static func file(_ row: PostgresRow) throws -> BankFileRecord {
        guard let kind = BankFileRecord.Kind(rawValue: try row.decode("kind", as: String.self)) else {
            throw Self.corrupt
        }
        let importStatus = try row.decode("import_status", as: String?.self)
        return BankFileRecord(
            id: try row.decode("id", as: Int64.self),
            runID: try row.decode("run_id", as: Int64.self),
            batchNumber: try row.decode("batch_number", as: String?.self),
            kind: kind,
            format: try row.decode("file_format", as: String.self),
            fileName: try row.decode("file_name", as: String.self),
            byteCount: try row.decode("byte_count", as: Int.self),
            sha256: try row.decode("sha256", as: PostgresBytes.self).bytes.map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined(),
            lineCount: try row.decode("line_count", as: Int.self),
            totalFen: try row.decode("total_fen", as: Int64.self),
            createdAt: try row.decode("created_at", as: Date.self),
            importStatus: try importStatus.map {
                guard let status = DisbursementTask.Status(rawValue: $0) else { throw Self.corrupt }
                return status
            }
        )
    }

    static let fileColumns = """
        f.id, f.run_id, b.batch_number, f.kind, f.file_format, f.file_name, length(f.content) AS byte_count, f.sha256, \
        f.line_count, f.total_fen, f.created_at, \
        (SELECT t.status FROM shebao.disbursement_task t WHERE t.return_file_id = f.id) AS import_status
        """
    static let filesOfRun = PreparedStatement(
        """
        SELECT \(fileColumns) FROM shebao.bank_file f LEFT JOIN shebao.bank_batch b ON b.id = f.batch_id \
        WHERE f.run_id = $1::bigint ORDER BY f.kind, b.batch_index, f.id
        """
    )
    static let fileContent = PreparedStatement(
        """
        SELECT \(fileColumns), f.office_id, f.content FROM shebao.bank_file f \
        LEFT JOIN shebao.bank_batch b ON b.id = f.batch_id \
        WHERE f.run_id = $1::bigint AND f.id = $2::bigint
        """
    )
    static let batchOfRun = PreparedStatement(
        "SELECT id FROM shebao.bank_batch WHERE run_id = $1::bigint AND batch_number = $2::text"
    )
    static let returnFileByDigest = PreparedStatement(
        """
        SELECT \(fileColumns) FROM shebao.bank_file f LEFT JOIN shebao.bank_batch b ON b.id = f.batch_id \
        WHERE f.run_id = $1::bigint AND f.kind = 'return' AND f.sha256 = $2::bytea
        """
    )
    static let insertReturnFile = PreparedStatement(
        """
        WITH f AS (INSERT INTO shebao.bank_file (office_id, run_id, kind, file_format, file_name, content, sha256, \
        line_count, total_fen, uploaded_by) \
        VALUES ($1::bigint, $2::bigint, 'return', $3::text, $4::text, $5::bytea, $6::bytea, $7::integer, $8::bigint, \
        $9::bigint) RETURNING *) \
        SELECT f.id, f.run_id, NULL::text AS batch_number, f.kind, f.file_format, f.file_name, \
        length(f.content) AS byte_count, f.sha256, f.line_count, f.total_fen, f.created_at, 'pending' AS import_status \
        FROM f
        """
    )
    static let insertImportTask = PreparedStatement(
        """
        INSERT INTO shebao.disbursement_task (office_id, run_id, kind, return_file_id, stage, total) \
        VALUES ($1::bigint, $2::bigint, 'import', $3::bigint, 'lines', $4::bigint)
        """
    )
    static let quarantinedLines = PreparedStatement(
        """
        SELECT l.file_id, l.line_number, l.reference, l.amount_fen, l.paid, l.reason_code, l.quarantine_reason \
        FROM shebao.return_line l WHERE l.run_id = $1::bigint AND l.outcome = 'quarantined' \
        ORDER BY l.file_id, l.line_number LIMIT $2::integer
        """
    )
}

/// A return file read and checked whole, in the terms the import needs.
struct ParsedReturnFile: Sendable {
    struct Line: Sendable {
        var lineNumber: Int
        var reference: String
        var amountFen: Int64?
        var paid: Bool
        var reasonCode: String?
    }

    /// `fixed-return`, `pain.002`, `camt.054`.
    var format: String
    var batchNumber: String?
    var lines: [Line]
    var count: Int { self.lines.count }
    var totalFen: Int64
}

/// Reading the bank's return files (docs/bank-files.md).
enum ReturnFileReading {
    /// - Throws: ``BusinessFailure`` unprocessable naming the line for a file refused whole.
    static func read(_ bytes: [UInt8]) throws -> ParsedReturnFile {
        let file: ReturnFile
        do {
            file = try ReturnFile.parse(bytes)
        } catch let error as BankFileError {
            throw BusinessFailure(
                .unprocessable,
                zh: "回盘文件未被接受：\(error.zh)",
                en: "the return file is refused: \(error.en)"
            )
        }
        for line in file.lines where !(1...35).contains(line.reference.count) {
            throw BusinessFailure(
                .unprocessable,
                zh: "回盘文件第 \(line.lineNumber) 笔的支付参考号长度不符",
                en: "line \(line.lineNumber) of the return file has a reference of the wrong length"
            )
        }
        return ParsedReturnFile(
            format: file.format.rawValue,
            batchNumber: file.batchNumber,
            lines: file.lines.map {
                ParsedReturnFile.Line(
                    lineNumber: $0.lineNumber,
                    reference: $0.reference,
                    amountFen: $0.amountFen,
                    paid: $0.paid,
                    reasonCode: $0.reasonCode
                )
            },
            totalFen: file.totalFen
        )
    }
}
