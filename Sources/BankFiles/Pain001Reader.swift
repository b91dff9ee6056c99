/// Reads a pain.001.001.03 of the shape ``Pain001Writer`` writes: one PmtInf, amounts in CNY.
enum Pain001Reader {
    static func parse(_ bytes: [UInt8]) throws(BankFileError) -> PaymentFile {
        let tree = try XMLTree.parse(bytes, namespace: .pain001)
        guard let initiation = tree.find(tree.root, "CstmrCdtTrfInitn"),
            let group = tree.find(initiation, "GrpHdr")
        else { throw .missing(.batchNumber, .malformedHeader, .file) }
        let payments = tree.children(initiation, "PmtInf")
        guard payments.count == 1, let payment = payments.first else {
            throw BankFileError(
                .malformedHeader,
                .file,
                zh: "应当恰有一个付款信息（PmtInf）",
                en: "exactly one PmtInf is expected"
            )
        }
        let batchNumber = try tree.required(group, ["MsgId"], .batchNumber, .malformedHeader, .file)
        guard try tree.required(payment, ["PmtInfId"], .batchNumber, .malformedHeader, .file) == batchNumber else {
            throw .invalid(.batchNumber, .file)
        }
        let createdAt = try tree.required(group, ["CreDtTm"], .createdAt, .malformedHeader, .file)
        guard
            let valueDate = BankDate(
                iso: try tree.required(payment, ["ReqdExctnDt"], .valueDate, .malformedHeader, .file)
            )
        else { throw .invalid(.valueDate, .file) }

        var lines: [PaymentLine] = []
        var totals = Totals()
        var remittance: String?
        for (offset, transaction) in tree.children(payment, "CdtTrfTxInf").enumerated() {
            let place = Place.transaction(offset + 1)
            guard let amount = tree.find(transaction, "Amt", "InstdAmt") else {
                throw .missing(.amount, .malformedLine, place)
            }
            let line = PaymentLine(
                sequence: offset + 1,
                reference: try tree.required(transaction, ["PmtId", "EndToEndId"], .reference, .malformedLine, place),
                cardNumber: try tree.required(
                    transaction,
                    ["CdtrAcct", "Id", "Othr", "Id"],
                    .cardNumber,
                    .malformedLine,
                    place
                ),
                payeeName: try tree.required(transaction, ["Cdtr", "Nm"], .payeeName, .malformedLine, place),
                amountFen: try tree.amount(amount, place)
            )
            try line.check(sequence: offset + 1, at: place)
            // The header has one remittance text for the batch: every line carries the same.
            let text = tree.text(transaction, "RmtInf", "Ustrd") ?? ""
            guard remittance == nil || remittance == text else { throw .invalid(.remittance, place) }
            remittance = text
            if let outgrown = totals.add(line.amountFen) { throw .tooLong(outgrown, place) }
            lines.append(line)
        }

        let header = PaymentBatchHeader(
            batchNumber: batchNumber,
            officeCode: tree.text(group, "InitgPty", "Id", "OrgId", "Othr", "Id") ?? "",
            valueDate: valueDate,
            period: 0,
            currency: "CNY",
            payerAccount: try tree.required(
                payment,
                ["DbtrAcct", "Id", "Othr", "Id"],
                .payerAccount,
                .malformedHeader,
                .file
            ),
            payerName: try tree.required(payment, ["Dbtr", "Nm"], .payerName, .malformedHeader, .file),
            payerBIC: try tree.required(payment, ["DbtrAgt", "FinInstnId", "BIC"], .payerBIC, .malformedHeader, .file),
            createdAt: createdAt,
            remittance: remittance ?? ""
        )
        try header.check(for: .pain001, at: .file)
        try Self.checkTotals(tree, group, totals)
        try Self.checkTotals(tree, payment, totals)
        return PaymentFile(format: .pain001, header: header, lines: lines, count: totals.count, totalFen: totals.sumFen)
    }

    /// Checks an element's NbOfTxs (where present) and CtrlSum (where present) against the
    /// lines.
    private static func checkTotals(_ tree: XMLTree, _ element: Int, _ totals: Totals) throws(BankFileError) {
        if let count = tree.text(element, "NbOfTxs") {
            guard let stated = ASCII.decimal(count.utf8) else { throw .invalid(.count, .file) }
            guard stated == totals.count else { throw .mismatch(.count, .file) }
        }
        if let sum = tree.text(element, "CtrlSum") {
            guard let stated = XMLTree.fen(sum) else { throw .invalid(.sum, .file) }
            guard stated == totals.sumFen else { throw .mismatch(.sum, .file) }
        }
    }
}
