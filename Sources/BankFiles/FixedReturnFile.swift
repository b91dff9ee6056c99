/// The fixed-width return file: its records written and read.
enum FixedReturnFile {
    static let layout = FixedWidthFile.Layout(
        headerWidth: FixedLayout.returnHeaderWidth,
        detailLetter: FixedLayout.returnLetter,
        detailWidth: FixedLayout.returnDetailWidth
    )

    /// The whole file of checked lines, numbered by their position.
    static func write(batchNumber: String, bankCode: String, answeredOn: BankDate, lines: [ReturnLine]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((lines.count + 2) * (FixedLayout.returnDetailWidth + 1))
        bytes.append(FixedLayout.headerLetter)
        bytes.appendPadded(batchNumber, width: 15)
        bytes.appendPadded(bankCode, width: 12)
        bytes.append(contentsOf: answeredOn.yyyymmdd.utf8)
        bytes.append(ASCII.lineFeed)
        var totals = Totals()
        for (index, line) in lines.enumerated() {
            // The writer's preconditions hold every line to the format, amount included.
            let amountFen = line.amountFen!
            bytes.append(FixedLayout.returnLetter)
            bytes.appendZeroPadded(Int64(index + 1), width: 7)
            bytes.appendPadded(line.reference, width: 20)
            bytes.appendZeroPadded(amountFen, width: 15)
            bytes.append(line.paid ? UInt8(ascii: "P") : UInt8(ascii: "F"))
            bytes.appendPadded(line.reasonCode ?? "", width: 8)
            bytes.append(ASCII.lineFeed)
            precondition(totals.add(amountFen) == nil, "a return file beyond its trailer's digits")
        }
        FixedWidthFile.appendTrailer(totals, to: &bytes)
        return bytes
    }

    /// Reads and checks a whole fixed-width return file.
    static func parse(_ bytes: [UInt8]) throws(BankFileError) -> ReturnFile {
        var batchNumber = ""
        var bankCode = ""
        var answeredOn: BankDate?
        var lines: [ReturnLine] = []
        lines.reserveCapacity(bytes.count / (FixedLayout.returnDetailWidth + 1))
        let totals = try FixedWidthFile.read(
            bytes,
            layout: Self.layout,
            header: { (line: inout FixedLine) throws(BankFileError) in
                batchNumber = try line.text(15)
                try FieldCheck.batchNumber(batchNumber, line.place)
                bankCode = try line.text(12)
                try FieldCheck.code(bankCode, .bankCode, line.place)
                answeredOn = try line.date(.answerDate)
            },
            detail: { (line: inout FixedLine, ordinal: Int) throws(BankFileError) -> Int64 in
                guard try line.number(7, .sequence) == ordinal else { throw .invalid(.sequence, line.place) }
                let reference = try line.text(20)
                let amountFen = try line.number(15, .amount)
                let paid: Bool
                switch try line.letter() {
                case UInt8(ascii: "P"): paid = true
                case UInt8(ascii: "F"): paid = false
                default: throw .invalid(.status, line.place)
                }
                let reason = try line.text(8)
                let returned = ReturnLine(
                    lineNumber: ordinal,
                    reference: reference,
                    amountFen: amountFen,
                    paid: paid,
                    reasonCode: reason.isEmpty ? nil : reason
                )
                try returned.check(at: line.place)
                lines.append(returned)
                return amountFen
            }
        )
        return ReturnFile(
            format: .fixed,
            batchNumber: batchNumber,
            lines: lines,
            count: totals.count,
            totalFen: totals.sumFen,
            bankCode: bankCode,
            answeredOn: answeredOn
        )
    }
}
