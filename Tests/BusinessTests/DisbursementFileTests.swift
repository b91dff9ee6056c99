import BankFiles
import Business
import Domain
import Foundation
import Postgres
import Store
import TestSupport
import Testing

/// A run from export to reconciliation in-process: the payment files per bank and batch, the
/// bank's answers uploaded (checked whole, kept once, imported once), quarantined lines, the
/// payees told, and the failures carried into the next run exactly once.
@Suite struct DisbursementFileTests {
    /// A computed, approved and exported run of `count` pensioners (half ICBC, fixed-width;
    /// half BOC, pain.001), the banks' batches `batch` lines at most.
    func exportedRun(
        _ scope: DisbursementScope,
        count: Int = 30,
        batch: Int = 10,
        period: Int = 202611
    ) throws
        -> DisbursementRun
    {
        if try scope.base.sql("SELECT count(*) FROM shebao.benefit").single().decode(0, as: Int.self) == 0 {
            try scope.addPensioners(count)
        }
        _ = try scope.base.sql("UPDATE shebao.bank SET max_batch_lines = $1", [batch])
        let created = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.create(.init(kind: .basicPension, period: Period(period)), $0)
        }
        try scope.drain(scope.engine())
        let code = scope.code(scope.approverTOTP)
        _ = try scope.base.run(as: scope.approver) {
            try DisbursementRuns.approve(created.id, version: nil, code: code, $0)
        }
        _ = try scope.base.run(as: scope.officer) { try DisbursementRuns.export(created.id, $0) }
        try scope.drain(scope.engine())
        return try scope.base.run(as: scope.officer) { try DisbursementRuns.read(created.id, $0) }.run
    }

    func paymentFiles(_ scope: DisbursementScope, _ run: Int64) throws -> [(BankFileRecord, PaymentFile)] {
        try scope.base.run(as: scope.officer) { context in
            try DisbursementRuns.files(run, context).filter { $0.kind == .payment }.map { record in
                (record, try PaymentFile.parse(try DisbursementRuns.download(run, file: record.id, context).content))
            }
        }
    }

    /// The bank's answer to `file`: paid, but the lines whose sequence `fails` says.
    func answer(
        _ file: PaymentFile,
        format: ReturnFileFormat = .fixed,
        fails: (Int) -> Bool = { _ in false }
    ) -> [UInt8] {
        ReturnFileWriter.write(
            format,
            batchNumber: file.header.batchNumber,
            bankCode: "ICBC",
            answeredOn: BankDate(year: 2026, month: 11, day: 16),
            lines: file.lines.map { line in
                ReturnLine(
                    lineNumber: line.sequence,
                    reference: line.reference,
                    amountFen: line.amountFen,
                    paid: !fails(line.sequence),
                    reasonCode: fails(line.sequence) ? "AC04" : nil
                )
            }
        )
    }

    func upload(_ scope: DisbursementScope, _ run: Int64, _ content: [UInt8]) throws -> (BankFileRecord, Bool) {
        let (record, isNew) = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.uploadReturn(run, .init(fileName: "answer.txt", content: content), $0)
        }
        return (record, isNew)
    }

    @Test func theExportWritesAFilePerBankAndBatchWithTheRunsTotals() throws {
        let scope = try DisbursementScope()
        let run = try self.exportedRun(scope)
        #expect(run.status == .exported)
        let files = try self.paymentFiles(scope, run.id)
        // 15 lines per bank, 10 per batch: two batches per bank, BOC first by code.
        #expect(
            files.map(\.0.batchNumber)
                == (1...4).map { "SB" + String(format: "%010d", run.id) + String(format: "%03d", $0) }
        )
        #expect(files.map(\.1.format) == [.pain001, .pain001, .fixed, .fixed])
        #expect(files.map(\.1.count) == [10, 5, 10, 5])
        #expect(files.map(\.1.totalFen).reduce(0, +) == run.totalFen)
        #expect(Set(files.flatMap { $0.1.lines.map(\.reference) }).count == run.lineCount)
        let header = try #require(files.last?.1.header)
        #expect(header.valueDate == BankDate(year: 2026, month: 11, day: 15))
        #expect(header.period == 202611)
        // Asking to export again changes nothing.
        let again = try scope.base.run(as: scope.officer) { try DisbursementRuns.export(run.id, $0) }
        #expect(again.tasks.filter { $0.kind == .export }.count == 1)
    }

    @Test func theBanksAnswersReconcileTheRunAndTellThePaidPayeesOnce() throws {
        let scope = try DisbursementScope()
        let run = try self.exportedRun(scope)
        let files = try self.paymentFiles(scope, run.id)
        var failed = 0
        for (index, (_, file)) in files.enumerated() {
            let answer = self.answer(file, format: index == 0 ? .pain002 : index == 1 ? .camt054 : .fixed) {
                $0 % 4 == 0
            }
            failed += file.lines.filter { $0.sequence % 4 == 0 }.count
            let (_, isNew) = try self.upload(scope, run.id, answer)
            #expect(isNew)
            // The same file twice is the same upload.
            let (_, twice) = try self.upload(scope, run.id, answer)
            #expect(!twice)
        }
        try scope.drain(scope.engine(pageSize: 3))
        let after = try scope.base.run(as: scope.officer) { try DisbursementRuns.read(run.id, $0) }.run
        #expect(after.status == .reconciled)
        #expect(after.failedCount == failed)
        #expect(after.paidCount == run.lineCount - failed)
        #expect(after.paidFen + after.failedFen == run.totalFen)
        let told = try scope.base.sql(
            "SELECT count(*) FROM shebao.notification_outbox WHERE template = 'disbursement.paid'"
        ).single().decode(0, as: Int.self)
        #expect(told == after.paidCount)
        let failures = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.failures(kind: .basicPension, PageRequest(limit: 100), $0)
        }
        #expect(failures.items.count == failed)
        #expect(failures.items.allSatisfy { $0.line.failureCode == "AC04" && $0.carriedBy == nil })
        try scope.checkInvariants()

        // December carries November's failures, each once; a second December run cannot exist,
        // and a January run carries nothing more of November.
        let december = try self.exportedRun(scope, period: 202612)
        #expect(december.carriedCount == failed)
        #expect(december.lineCount == run.lineCount + failed)
        let carried = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.failures(kind: .basicPension, PageRequest(limit: 100), $0)
        }
        #expect(carried.items.allSatisfy { $0.carriedBy != nil })
        try scope.checkInvariants()
    }

    @Test func aFileThatDoesNotAddUpIsRefusedWholeAndUnknownLinesAreQuarantined() throws {
        let scope = try DisbursementScope()
        let run = try self.exportedRun(scope, count: 10, batch: 100)
        let (_, file) = try #require(try self.paymentFiles(scope, run.id).last)
        var text = String(decoding: self.answer(file), as: UTF8.self)
        // A trailer whose sum is one fen off: refused, nothing kept.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trailerIndex = try #require(lines.lastIndex { $0.hasPrefix("T") })
        let trailer = lines[trailerIndex]
        let sum = try #require(Int64(trailer.suffix(18)))
        lines[trailerIndex] = String(trailer.dropLast(18)) + String(format: "%018lld", sum + 1)
        let broken = Array(lines.joined(separator: "\n").utf8)
        #expect(throws: BusinessFailure.self) { _ = try self.upload(scope, run.id, broken) }
        let kept = try scope.base.sql("SELECT count(*) FROM shebao.bank_file WHERE kind = 'return'").single()
            .decode(0, as: Int.self)
        #expect(kept == 0)

        // A line of another amount and a line of an unknown reference: quarantined and audited,
        // the rest applied.
        let tampered = file.lines.enumerated().map { index, line in
            var line = line
            if index == 0 { line.amountFen += 1 }
            if index == 1 { line.reference = "P999999999999" }
            return line
        }
        let answer = ReturnFileWriter.write(
            .fixed,
            batchNumber: file.header.batchNumber,
            bankCode: "ICBC",
            answeredOn: BankDate(year: 2026, month: 11, day: 16),
            lines: tampered.map {
                ReturnLine(
                    lineNumber: $0.sequence,
                    reference: $0.reference,
                    amountFen: $0.amountFen,
                    paid: true,
                    reasonCode: nil
                )
            }
        )
        text = String(decoding: answer, as: UTF8.self)
        #expect(text.hasPrefix("H"))
        _ = try self.upload(scope, run.id, answer)
        try scope.drain(scope.engine())
        let quarantined = try scope.base.run(as: scope.officer) {
            try DisbursementRuns.quarantine(run.id, PageRequest(limit: 10), $0)
        }
        #expect(Set(quarantined.map(\.quarantineReason)) == ["amount_mismatch", "unknown_reference"])
        let audited = try scope.base.sql(
            "SELECT count(*) FROM shebao.audit_event WHERE action = 'disbursement.return_quarantined'"
        ).single().decode(0, as: Int.self)
        #expect(audited == 2)
        let after = try scope.base.run(as: scope.officer) { try DisbursementRuns.read(run.id, $0) }.run
        // Two lines of the batch are still waiting: the run stays exported.
        #expect(after.status == .exported)
        #expect(after.paidCount == file.lines.count - 2)
        try scope.checkInvariants()
    }
}
