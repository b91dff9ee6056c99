/// The fixed-width payment file: its records written and read.
enum FixedPaymentFile {
    static let layout = FixedWidthFile.Layout(
        headerWidth: FixedLayout.paymentHeaderWidth,
        detailLetter: FixedLayout.paymentLetter,
        detailWidth: FixedLayout.paymentDetailWidth
    )

    /// Appends the header line of a checked header.
    static func appendHeader(_ header: PaymentBatchHeader, to bytes: inout [UInt8]) {
        bytes.append(FixedLayout.headerLetter)
        bytes.appendPadded(header.batchNumber, width: 15)
        bytes.appendPadded(header.officeCode, width: 12)
        bytes.append(contentsOf: header.valueDate.yyyymmdd.utf8)
        bytes.appendZeroPadded(Int64(header.period), width: 6)
        bytes.appendPadded(header.currency, width: 3)
        bytes.appendPadded(header.payerAccount, width: 32)
        bytes.appendPadded(header.payerBIC, width: 11)
        // A checked header's creation time is valid.
        bytes.append(contentsOf: CreationTime(iso: header.createdAt)!.digits)
        bytes.append(ASCII.lineFeed)
    }

    /// Appends the detail line of a checked payment.
    static func appendDetail(_ line: PaymentLine, to bytes: inout [UInt8]) {
        bytes.append(FixedLayout.paymentLetter)
        bytes.appendZeroPadded(Int64(line.sequence), width: 7)
        bytes.appendPadded(line.reference, width: 20)
        bytes.appendPadded(line.cardNumber, width: 19)
        bytes.appendPadded(line.payeeName, width: 50)
        bytes.appendZeroPadded(line.amountFen, width: 15)
        bytes.append(ASCII.lineFeed)
    }

    /// Reads a whole fixed-width payment file, checking every field as the writer does.
    static func parse(_ bytes: [UInt8]) throws(BankFileError) -> PaymentFile {
        var header: PaymentBatchHeader?
        var lines: [PaymentLine] = []
        let totals = try FixedWidthFile.read(
            bytes,
            layout: Self.layout,
            header: { (line: inout FixedLine) throws(BankFileError) in
                let batchNumber = try line.text(15)
                let officeCode = try line.text(12)
                let valueDate = try line.date(.valueDate)
                let period = try line.number(6, .period)
                let currency = try line.text(3)
                let payerAccount = try line.text(32)
                let payerBIC = try line.text(11)
                let createdAt = try line.creationTime()
                let read = PaymentBatchHeader(
                    batchNumber: batchNumber,
                    officeCode: officeCode,
                    valueDate: valueDate,
                    period: Int(period),
                    currency: currency,
                    payerAccount: payerAccount,
                    payerName: "",
                    payerBIC: payerBIC,
                    createdAt: createdAt.iso,
                    remittance: ""
                )
                try read.check(for: .fixed, at: line.place)
                header = read
            },
            detail: { (line: inout FixedLine, ordinal: Int) throws(BankFileError) -> Int64 in
                let payment = PaymentLine(
                    sequence: Int(try line.number(7, .sequence)),
                    reference: try line.text(20),
                    cardNumber: try line.text(19),
                    payeeName: try line.text(50),
                    amountFen: try line.number(15, .amount)
                )
                try payment.check(sequence: ordinal, at: line.place)
                lines.append(payment)
                return payment.amountFen
            }
        )
        // The reader calls the header first, or throws.
        return PaymentFile(format: .fixed, header: header!, lines: lines, count: totals.count, totalFen: totals.sumFen)
    }
}
