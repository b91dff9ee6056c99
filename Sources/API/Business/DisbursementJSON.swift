import Business
import Domain
import Foundation
import HTTPServer

/// Disbursement records as the API writes them (the shapes of ``OpenAPI/Schemas/disbursement``):
/// money in fen with yuan beside it, kinds, statuses and reasons with their names in the
/// request's language. The `write…` functions write an object's members but its `id`, which a
/// keyset page writes itself.
enum DisbursementJSON {
    // MARK: Runs

    /// The members of `run` but its `id`.
    static func write(_ run: DisbursementRun, _ language: Language, into writer: inout JSONWriter) {
        writer.texts([
            "kind": run.kind.rawValue, "kindName": run.kind.name(language), "valueDate": run.valueDate.iso,
            "status": run.status.rawValue, "statusName": run.status.name(language), "origin": run.origin.rawValue,
            "cancelReason": run.cancelReason,
        ])
        writer.members([
            "officeId": run.officeID, "period": Int64(run.period.value), "createdBy": run.createdBy,
            "approvedBy": run.approvedBy, "cancelledBy": run.cancelledBy, "excludedCount": Int64(run.excludedCount),
            "version": Int64(run.version),
        ])
        for (name, count, fen) in [
            ("line", run.lineCount, run.totalFen), ("carried", run.carriedCount, run.carriedFen),
            ("paid", run.paidCount, run.paidFen), ("failed", run.failedCount, run.failedFen),
        ] {
            writer.key(name + "Count")
            writer.number(count)
            writer.money(name == "line" ? "total" : name, fen)
        }
        writer.times([
            "createdAt": run.createdAt, "computedAt": run.computedAt, "approvedAt": run.approvedAt,
            "exportedAt": run.exportedAt, "reconciledAt": run.reconciledAt, "cancelledAt": run.cancelledAt,
        ])
    }

    /// A run with its tasks and the progress of the task in hand.
    static func detail(_ detail: DisbursementRunDetail, _ language: Language) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.beginObject()
        writer.key("id")
        writer.number(detail.run.id)
        Self.write(detail.run, language, into: &writer)
        writer.key("tasks")
        writer.beginArray()
        for task in detail.tasks {
            writer.beginObject()
            Self.write(task, language, into: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.key("progress")
        if let task = detail.current {
            writer.beginObject()
            writer.key("taskId")
            writer.number(task.id)
            Self.writeProgress(task, language, into: &writer)
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("stalled")
        writer.bool(detail.isStalled)
        writer.endObject()
        return writer.bytes
    }

    /// A task, `id` included.
    static func write(_ task: DisbursementTask, _ language: Language, into writer: inout JSONWriter) {
        writer.members(["id": task.id, "attempts": Int64(task.attempts), "returnFileId": task.returnFileID])
        Self.writeProgress(task, language, into: &writer)
        writer.texts([
            "status": task.status.rawValue, "statusName": Self.name(task.status, Self.taskStatusNames, language),
            "lastError": task.lastError,
        ])
        writer.times([
            "createdAt": task.createdAt, "startedAt": task.startedAt, "progressAt": task.progressAt,
            "finishedAt": task.finishedAt, "leaseExpiresAt": task.leaseExpiresAt,
        ])
    }

    /// What a task's progress shows: its kind, stage, units done of the total, rate, and whether
    /// it is stalled.
    private static func writeProgress(_ task: DisbursementTask, _ language: Language, into writer: inout JSONWriter) {
        writer.texts(["kind": task.kind.rawValue, "kindName": task.kind.name(language), "stage": task.stage])
        writer.members(["done": task.done, "total": task.total])
        writer.key("rate")
        if let rate = task.rate, rate.isFinite {
            // Two decimals are enough for units per second, and a fixed form is valid JSON.
            writer.json(String(format: "%.2f", rate))
        } else {
            writer.null()
        }
        writer.key("stalled")
        writer.bool(task.isStalled)
    }

    // MARK: Lines

    /// The members of `line` but its `id`.
    static func write(_ line: PaymentLineRecord, _ language: Language, into writer: inout JSONWriter) {
        writer.members([
            "runId": line.runID, "benefitId": line.benefitID, "personId": line.personID,
            "period": Int64(line.period.value), "carriedFrom": line.carriedFrom,
        ])
        writer.texts([
            "payeeName": line.payeeName, "bankCode": line.bankCode, "cardNumberMasked": line.cardNumber,
            "status": line.status.rawValue, "statusName": Self.name(line.status, Self.lineStatusNames, language),
            "failureCode": line.failureCode, "reference": line.reference,
        ])
        writer.money("amount", line.amountFen)
        writer.times(["settledAt": line.settledAt])
    }

    // MARK: Reports

    /// The comparison with the previous run.
    static func diff(_ diff: RunDiff) -> [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.members([
            "previousRunId": diff.previousRunID, "previousPeriod": diff.previousPeriod.map { Int64($0.value) },
        ])
        for (name, group) in [
            ("added", diff.added), ("stopped", diff.stopped), ("changed", diff.changed), ("carried", diff.carried),
        ] {
            writer.key(name)
            writer.beginObject()
            writer.members(["count": Int64(group.count)])
            writer.money("total", group.totalFen)
            writer.key("sample")
            writer.beginArray()
            for change in group.sample {
                writer.beginObject()
                writer.members(["benefitId": change.benefitID, "personId": change.personID])
                writer.texts(["payeeName": change.payeeName])
                writer.money("previous", change.previousFen)
                writer.money("current", change.currentFen)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.members(["unchangedCount": Int64(diff.unchangedCount)])
        writer.endObject()
        return writer.bytes
    }

    /// The exclusion report's counts: every reason, 0 when none.
    static func writeCounts(_ counts: [RunExclusion.Reason: Int], _ language: Language, into writer: inout JSONWriter) {
        writer.key("counts")
        writer.beginArray()
        for reason in RunExclusion.Reason.allCases {
            writer.beginObject()
            writer.texts(["reason": reason.rawValue, "reasonName": reason.name(language)])
            writer.members(["count": Int64(counts[reason] ?? 0)])
            writer.endObject()
        }
        writer.endArray()
    }

    /// The members of `exclusion` but its `id` (the benefit's).
    static func write(_ exclusion: RunExclusion, _ language: Language, into writer: inout JSONWriter) {
        writer.members(["personId": exclusion.personID])
        writer.texts(["reason": exclusion.reason.rawValue, "reasonName": exclusion.reason.name(language)])
        writer.money("amount", exclusion.amountFen)
    }

    // MARK: Files

    /// A bank file, `id` included.
    static func write(_ file: BankFileRecord, _ language: Language, into writer: inout JSONWriter) {
        writer.members([
            "id": file.id, "runId": file.runID, "byteCount": Int64(file.byteCount), "lineCount": Int64(file.lineCount),
        ])
        writer.texts([
            "batchNumber": file.batchNumber, "kind": file.kind.rawValue,
            "kindName": Self.name(file.kind, Self.fileKindNames, language), "format": file.format,
            "fileName": file.fileName, "sha256": file.sha256, "importStatus": file.importStatus?.rawValue,
            "importStatusName": file.importStatus.map { Self.name($0, Self.taskStatusNames, language) },
        ])
        writer.money("total", file.totalFen)
        writer.times(["createdAt": file.createdAt])
    }

    /// A file alone.
    static func file(_ file: BankFileRecord, _ language: Language) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        Self.write(file, language, into: &writer)
        writer.endObject()
        return writer.bytes
    }

    /// `{"items": […]}`: a list that is not paged, each item written whole by `item`.
    static func items<Item>(_ items: [Item], _ item: (Item, inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        for element in items {
            writer.beginObject()
            item(element, &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// A quarantined return-file line.
    static func write(_ line: QuarantinedLine, _ language: Language, into writer: inout JSONWriter) {
        writer.members(["fileId": line.fileID, "lineNumber": Int64(line.lineNumber)])
        writer.texts([
            "reference": line.reference, "reasonCode": line.reasonCode, "quarantineReason": line.quarantineReason,
            "quarantineReasonName": Self.name(line.quarantineReason, Self.quarantineReasonNames, language),
        ])
        writer.money("amount", line.amountFen)
        writer.key("paid")
        writer.bool(line.paid)
    }

    // MARK: Names

    // The business layer names run statuses, benefit kinds, task kinds and exclusion reasons;
    // these it keeps as codes only.

    static let taskStatusNames: [DisbursementTask.Status: (zh: String, en: String)] = [
        .pending: ("待处理", "pending"), .done: ("已完成", "done"), .failed: ("已失败", "failed"),
        .cancelled: ("已取消", "cancelled"),
    ]
    static let lineStatusNames: [PaymentLineRecord.Status: (zh: String, en: String)] = [
        .pending: ("待银行回盘", "awaiting the bank's answer"), .paid: ("已发放", "paid"),
        .failed: ("发放失败", "failed at the bank"), .cancelled: ("已取消", "cancelled"),
    ]
    static let fileKindNames: [BankFileRecord.Kind: (zh: String, en: String)] = [
        .payment: ("银行代发文件", "payment file"), .return: ("回盘文件", "return file"),
    ]
    /// The return-file lines' reasons for not being applied, as `return_line.quarantine_reason`
    /// holds them.
    static let quarantineReasonNames: [String: (zh: String, en: String)] = [
        "unknown_reference": ("本批次无此付款参考号", "no payment of the run has the reference"),
        "amount_mismatch": ("金额与付款不符", "the amount differs from the payment's"),
        "conflicting_answer": ("该笔付款已有不同的银行结果", "the payment had another answer already"),
    ]

    /// The name of `code` in `language` from `names`; the code itself when it has none.
    static func name<Code: Hashable>(
        _ code: Code,
        _ names: [Code: (zh: String, en: String)],
        _ language: Language
    )
        -> String
    {
        guard let name = names[code] else { return "\(code)" }
        return language == .en ? name.en : name.zh
    }
}

extension JSONWriter {
    /// Writes each of `members`: a number, or null.
    mutating func members(_ members: KeyValuePairs<String, Int64?>) {
        for (key, value) in members {
            self.key(key)
            self.optional(value)
        }
    }

    /// Writes each of `members`: a text, or null.
    mutating func texts(_ members: KeyValuePairs<String, String?>) {
        for (key, value) in members {
            self.key(key)
            self.optional(value)
        }
    }

    /// Writes each of `members`: an ISO 8601 time, or null.
    mutating func times(_ members: KeyValuePairs<String, Date?>) {
        for (key, value) in members {
            self.key(key)
            self.optional(value?.formatted(.iso8601))
        }
    }

    /// Writes `<name>Fen` and, beside it, `<name>` in yuan for display; both null without an
    /// amount.
    mutating func money(_ name: String, _ fen: Int64?) {
        self.key(name + "Fen")
        self.optional(fen)
        self.key(name)
        self.optional(fen.map(Money.yuan))
    }
}
