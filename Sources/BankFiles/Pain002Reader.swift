/// Reads a pain.002.001.03 status report: every TxInfAndSts of every OrgnlPmtInfAndSts, in
/// order, checked against each NbOfTxsPerSts.
enum Pain002Reader {
    /// The statuses that answer a payment: ACSC (settled on the creditor's account) and ACCP
    /// are paid, RJCT failed. ACTC, ACSP, ACWC and PDNG are not final, and a file holding one
    /// is refused: the bank is to send the final answer.
    static func isPaid(_ status: String, _ place: Place) throws(BankFileError) -> Bool {
        switch status {
        case "ACSC", "ACCP": return true
        case "RJCT": return false
        default:
            throw BankFileError(
                .invalidField,
                place,
                zh: "状态 \(status) 不是最终结果（应为 ACSC、ACCP 或 RJCT）",
                en: "the status \(status) is not a final answer (ACSC, ACCP or RJCT expected)"
            )
        }
    }

    static func parse(_ bytes: [UInt8]) throws(BankFileError) -> ReturnFile {
        let tree = try XMLTree.parse(bytes, namespace: .pain002)
        guard let report = tree.find(tree.root, "CstmrPmtStsRpt"), let group = tree.find(report, "OrgnlGrpInfAndSts")
        else { throw .missing(.batchNumber, .malformedHeader, .file) }
        let batchNumber = try tree.required(group, ["OrgnlMsgId"], .batchNumber, .malformedHeader, .file)
        try FieldCheck.batchNumber(batchNumber, .file)
        let groupStatus = tree.text(group, "GrpSts")
        let groupReason = tree.children(group, "StsRsnInf").lazy.compactMap { tree.reasonCode($0) }.first

        var lines: [ReturnLine] = []
        // The status each line was given, by index, for NbOfTxsPerSts.
        var statuses: [String] = []
        var totals = Totals()
        for payment in tree.children(report, "OrgnlPmtInfAndSts") {
            let first = lines.count
            for transaction in tree.children(payment, "TxInfAndSts") {
                let place = Place.transaction(lines.count + 1)
                let status = try tree.required(transaction, ["TxSts"], .status, .malformedLine, place)
                let paid = try Self.isPaid(status, place)
                if groupStatus == "RJCT" && paid {
                    throw BankFileError(
                        .invalidField,
                        place,
                        zh: "整批被拒绝，但该笔交易为已付",
                        en: "the whole group is rejected, yet this transaction is paid"
                    )
                }
                let line = ReturnLine(
                    lineNumber: lines.count + 1,
                    reference: try tree.required(transaction, ["OrgnlEndToEndId"], .reference, .malformedLine, place),
                    amountFen: try tree.find(transaction, "OrgnlTxRef", "Amt", "InstdAmt").map {
                        (amount) throws(BankFileError) in try tree.amount(amount, place)
                    },
                    paid: paid,
                    reasonCode: paid
                        ? nil
                        : tree.children(transaction, "StsRsnInf").lazy.compactMap {
                            tree.reasonCode($0)
                        }.first
                )
                try line.check(at: place)
                if let outgrown = totals.add(line.amountFen ?? 0) { throw .tooLong(outgrown, place) }
                lines.append(line)
                statuses.append(status)
            }
            try Self.checkCounts(tree, payment, lines[first...], statuses[first...])
        }
        try Self.checkCounts(tree, group, lines[...], statuses[...])
        return ReturnFile(
            format: .pain002,
            batchNumber: batchNumber,
            lines: lines,
            count: totals.count,
            totalFen: totals.sumFen,
            bankCode: tree.text(report, "GrpHdr", "DbtrAgt", "FinInstnId", "ClrSysMmbId", "MmbId"),
            answeredOn: tree.date(report, "GrpHdr", "CreDtTm"),
            groupStatus: groupStatus,
            groupReasonCode: groupReason
        )
    }

    /// Checks each NbOfTxsPerSts of `element` against the lines it covers: as many lines of that
    /// status, and (where DtldCtrlSum is given and every such line has an amount) the same sum.
    private static func checkCounts(
        _ tree: XMLTree,
        _ element: Int,
        _ lines: ArraySlice<ReturnLine>,
        _ statuses: ArraySlice<String>
    ) throws(BankFileError) {
        for perStatus in tree.children(element, "NbOfTxsPerSts") {
            guard let countText = tree.text(perStatus, "DtldNbOfTxs"), let count = ASCII.decimal(countText.utf8),
                let status = tree.text(perStatus, "DtldSts")
            else {
                throw BankFileError(
                    .malformedTrailer,
                    .file,
                    zh: "各状态笔数（NbOfTxsPerSts）无法读取",
                    en: "a number of transactions per status (NbOfTxsPerSts) cannot be read"
                )
            }
            let matching = zip(lines, statuses).filter { $0.1 == status }.map(\.0)
            guard count == matching.count else { throw .mismatch(.count, .file) }
            if let sumText = tree.text(perStatus, "DtldCtrlSum") {
                guard let sum = XMLTree.fen(sumText) else { throw .invalid(.sum, .file) }
                let amounts = matching.compactMap(\.amountFen)
                guard amounts.count < matching.count || amounts.reduce(0, +) == sum else {
                    throw .mismatch(.sum, .file)
                }
            }
        }
    }
}
