/// Reads a camt.054.001.02 notification: every TxDtls of every entry of every notification, in
/// order, each notification's entries checked against its TxsSummry/TtlNtries.
struct Camt054Reader {
    static func parse(_ bytes: [UInt8]) throws(BankFileError) -> ReturnFile {
        let tree = try XMLTree.parse(bytes, namespace: .camt054)
        guard let message = tree.find(tree.root, "BkToCstmrDbtCdtNtfctn") else {
            throw BankFileError(
                .malformedHeader,
                .file,
                zh: "缺少 BkToCstmrDbtCdtNtfctn",
                en: "BkToCstmrDbtCdtNtfctn is missing"
            )
        }
        let notifications = tree.children(message, "Ntfctn")
        guard !notifications.isEmpty else {
            throw BankFileError(.malformedHeader, .file, zh: "缺少通知（Ntfctn）", en: "there is no notification (Ntfctn)")
        }
        var reader = Self(tree: tree)
        for notification in notifications { try reader.read(notification) }
        return ReturnFile(
            format: .camt054,
            batchNumber: reader.batchNumber,
            lines: reader.lines,
            count: reader.totals.count,
            totalFen: reader.totals.sumFen,
            bankCode: notifications.lazy.compactMap {
                tree.text($0, "Acct", "Svcr", "FinInstnId", "ClrSysMmbId", "MmbId")
            }.first,
            answeredOn: tree.date(message, "GrpHdr", "CreDtTm")
        )
    }

    let tree: XMLTree
    var lines: [ReturnLine] = []
    var totals = Totals()
    var batchNumber: String?

    /// Reads one notification's entries and checks its summary.
    private mutating func read(_ notification: Int) throws(BankFileError) {
        var entries = 0
        var entriesFen: Int64 = 0
        for entry in self.tree.children(notification, "Ntry") {
            let fen = try self.read(entry: entry)
            entries += 1
            let (sum, overflow) = entriesFen.addingReportingOverflow(fen)
            guard !overflow else { throw .tooLong(.sum, .file) }
            entriesFen = sum
        }
        guard let summary = self.tree.find(notification, "TxsSummry", "TtlNtries") else { return }
        if let text = self.tree.text(summary, "NbOfNtries") {
            guard let stated = ASCII.decimal(text.utf8) else { throw Self.unreadableSummary }
            guard stated == entries else { throw .mismatch(.count, .file) }
        }
        if let text = self.tree.text(summary, "Sum") {
            guard let stated = XMLTree.fen(text) else { throw Self.unreadableSummary }
            guard stated == entriesFen else { throw .mismatch(.sum, .file) }
        }
    }

    static let unreadableSummary = BankFileError(
        .malformedTrailer,
        .file,
        zh: "汇总（TxsSummry）无法读取",
        en: "the summary (TxsSummry) cannot be read"
    )

    /// Reads one entry's transactions into lines.
    ///
    /// - Returns: The entry's amount.
    private mutating func read(entry: Int) throws(BankFileError) -> Int64 {
        let tree = self.tree
        let first = Place.transaction(self.lines.count + 1)
        guard let amount = tree.find(entry, "Amt") else { throw .missing(.amount, .malformedLine, first) }
        let entryFen = try tree.amount(amount, first)
        let isBookedDebit =
            tree.text(entry, "Sts") == "BOOK" && tree.text(entry, "CdtDbtInd") == "DBIT"
            && !["true", "1"].contains(tree.text(entry, "RvslInd") ?? "false")
        let transactions = tree.children(entry, "NtryDtls").flatMap { tree.children($0, "TxDtls") }
        guard !transactions.isEmpty else {
            throw BankFileError(
                .malformedLine,
                first,
                zh: "记账条目没有交易明细（TxDtls）",
                en: "the entry has no transaction details (TxDtls)"
            )
        }
        var detailedFen: Int64 = 0
        var isEveryAmountDetailed = true
        for transaction in transactions {
            let place = Place.transaction(self.lines.count + 1)
            let detailed =
                tree.find(transaction, "AmtDtls", "TxAmt", "Amt")
                ?? tree.find(transaction, "AmtDtls", "InstdAmt", "Amt")
            let fen = try detailed.map { (amount) throws(BankFileError) in try tree.amount(amount, place) }
            if let fen { detailedFen = detailedFen &+ fen } else { isEveryAmountDetailed = false }
            let returned = tree.find(transaction, "RtrInf")
            guard returned != nil || isBookedDebit else {
                throw BankFileError(
                    .invalidField,
                    place,
                    zh: "该交易既不是已记账的借记，也不是退回",
                    en: "the transaction is neither a booked debit nor a return"
                )
            }
            let line = ReturnLine(
                lineNumber: self.lines.count + 1,
                reference: try tree.required(transaction, ["Refs", "EndToEndId"], .reference, .malformedLine, place),
                amountFen: fen ?? (transactions.count == 1 ? entryFen : nil),
                paid: returned == nil,
                reasonCode: returned.flatMap { tree.reasonCode($0) }
            )
            try line.check(at: place)
            try self.note(
                batch: tree.text(transaction, "Refs", "MsgId") ?? tree.text(transaction, "Refs", "PmtInfId"),
                place
            )
            if let outgrown = self.totals.add(line.amountFen ?? 0) { throw .tooLong(outgrown, place) }
            self.lines.append(line)
        }
        guard !isEveryAmountDetailed || detailedFen == entryFen else { throw .mismatch(.amount, first) }
        return entryFen
    }

    /// Keeps the batch a transaction names, which every transaction that names one must share.
    private mutating func note(batch: String?, _ place: Place) throws(BankFileError) {
        guard let batch else { return }
        try FieldCheck.batchNumber(batch, place)
        guard self.batchNumber == nil || self.batchNumber == batch else { throw .invalid(.batchNumber, place) }
        self.batchNumber = batch
    }
}
