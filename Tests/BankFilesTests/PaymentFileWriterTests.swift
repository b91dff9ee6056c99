import BankFiles
import Testing

struct PaymentFileWriterTests {
    // Written out by hand: every field at its width, text padded on the right with spaces,
    // numbers zero-padded on the left, widths counted in Unicode scalars (张三 is 2 of 50).
    static let golden =
        "HSB0000000042001320100      20261215202612CNY32001234567890123456            ICBKCNBJNJG20261204101500\n"
        + "D0000001SB00000012345       6222021234567890123张三"
        + "                                                000000000123456\n"
        + "D0000002SB00000012346       622202123456789012 阿依古丽·买买提"
        + "                                          000000000250000\n"
        + "D0000003SB00000012347       6217001234567890   李四"
        + "                                                000000000000099\n"
        + "T0000003000000000000373555\n"

    @Test func aSmallFixedFileIsExactlyTheGoldenBytes() throws {
        let bytes = try Fixtures.paymentFile(.fixed)
        #expect(Fixtures.text(bytes) == Self.golden)
        for line in Self.golden.split(separator: "\n") {
            let width = line.unicodeScalars.count
            #expect(width == [102, 112, 26][line.first == "H" ? 0 : line.first == "D" ? 1 : 2])
        }
    }

    @Test(arguments: PaymentFileFormat.allCases)
    func writingTwiceGivesTheSameBytes(format: PaymentFileFormat) throws {
        #expect(try Fixtures.paymentFile(format) == Fixtures.paymentFile(format))
    }

    @Test func aFixedFileReadsBackAsWritten() throws {
        let file = try PaymentFile.parse(try Fixtures.paymentFile(.fixed))
        var header = Fixtures.header
        header.payerName = ""
        header.remittance = ""
        #expect(file == PaymentFile(format: .fixed, header: header, lines: Fixtures.lines, count: 3, totalFen: 373_555))
    }

    @Test func aPain001ReadsBackAsWrittenButForThePeriod() throws {
        let file = try PaymentFile.parse(try Fixtures.paymentFile(.pain001))
        var header = Fixtures.header
        header.period = 0
        #expect(
            file == PaymentFile(format: .pain001, header: header, lines: Fixtures.lines, count: 3, totalFen: 373_555)
        )
    }

    @Test func thePain001CarriesTheISOElements() throws {
        let text = Fixtures.text(try Fixtures.paymentFile(.pain001))
        for expected in [
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">", "<MsgId>SB0000000042001</MsgId>",
            "<CreDtTm>2026-12-04T10:15:00</CreDtTm>", "<NbOfTxs>3</NbOfTxs>", "<CtrlSum>3735.55</CtrlSum>",
            "<PmtMtd>TRF</PmtMtd>", "<ReqdExctnDt>2026-12-15</ReqdExctnDt>", "<BIC>ICBKCNBJNJG</BIC>",
            "<EndToEndId>SB00000012346</EndToEndId>", "<InstdAmt Ccy=\"CNY\">2500.00</InstdAmt>",
            "<InstdAmt Ccy=\"CNY\">0.99</InstdAmt>", "<Nm>阿依古丽·买买提</Nm>", "<Ustrd>养老金 202612</Ustrd>",
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
    }

    @Test func xmlTextIsEscaped() throws {
        var header = Fixtures.header
        header.payerName = "A&B <社保> \"中心\""
        let text = Fixtures.text(try Fixtures.paymentFile(.pain001, header: header))
        #expect(text.contains("<Nm>A&amp;B &lt;社保&gt; &quot;中心&quot;</Nm>"))
        #expect(try PaymentFile.parse(Fixtures.bytes(text)).header.payerName == header.payerName)
    }

    @Test func aLineMustComeInSequence() {
        var writer = PaymentFileWriter(format: .fixed, header: Fixtures.header)
        let error = Fixtures.error { try writer.append(Fixtures.lines[1]) }
        #expect(error?.kind == .invalidField)
        #expect(error?.line == 2)
        #expect(writer.count == 0)
    }

    @Test(arguments: [
        (LineField.payeeName, String(repeating: "张", count: 51), BankFileError.Kind.fieldTooLong),
        (LineField.payeeName, "张三\n", .invalidField),
        (LineField.payeeName, " 张三", .invalidField),
        (LineField.payeeName, "", .invalidField),
        (LineField.cardNumber, "62220212345678901234", .fieldTooLong),
        (LineField.cardNumber, "622202123456789", .invalidField),
        (LineField.cardNumber, "622202123456789A", .invalidField),
        (LineField.reference, "SB000000123450000000X", .fieldTooLong),
        (LineField.reference, "sb00000012345", .invalidField),
    ])
    func aFieldThatDoesNotFitIsRefusedNotCut(
        field: LineField,
        value: String,
        kind: BankFileError.Kind
    ) {
        for format in PaymentFileFormat.allCases {
            var line = Fixtures.lines[0]
            field.set(value, in: &line)
            var writer = PaymentFileWriter(format: format, header: Fixtures.header)
            let error = Fixtures.error { try writer.append(line) }
            #expect(error?.kind == kind, "\(format)")
            #expect(error?.line == (format == .fixed ? 2 : 1))
        }
    }

    @Test(arguments: [0, -5, 1_000_000_000_000_000] as [Int64])
    func anAmountMustBePositiveAndFitFifteenDigits(amountFen: Int64) {
        var line = Fixtures.lines[0]
        line.amountFen = amountFen
        var writer = PaymentFileWriter(format: .fixed, header: Fixtures.header)
        #expect(Fixtures.error { try writer.append(line) }?.kind == (amountFen > 0 ? .fieldTooLong : .invalidField))
    }

    @Test func aHeaderThatDoesNotFitMakesEveryAppendThrow() {
        var header = Fixtures.header
        header.payerBIC = "ICBKCNBJ1"
        var writer = PaymentFileWriter(format: .fixed, header: header)
        #expect(writer.headerError?.kind == .invalidField)
        #expect(Fixtures.error { try writer.append(Fixtures.lines[0]) } == writer.headerError)
        #expect(Fixtures.error { try PaymentFileWriter.validate(header, for: .pain001) } != nil)
    }

    @Test(arguments: [
        (HeaderField.batchNumber, "SB000000004200"), (HeaderField.batchNumber, "XB0000000042001"),
        (HeaderField.officeCode, "3201001"), (HeaderField.currency, "USD"),
        (HeaderField.payerAccount, "1234567"), (HeaderField.payerBIC, "ICBKCNBO"),
        (HeaderField.createdAt, "2026-12-04 10:15:00"), (HeaderField.createdAt, "2026-02-30T10:15:00"),
    ])
    func headerFieldsAreChecked(field: HeaderField, value: String) {
        var header = Fixtures.header
        field.set(value, in: &header)
        for format in PaymentFileFormat.allCases {
            #expect(Fixtures.error { try PaymentFileWriter.validate(header, for: format) }?.kind == .invalidField)
        }
    }

    @Test func eachFormatChecksOnlyWhatItCarries() throws {
        var header = Fixtures.header
        header.payerName = ""
        header.remittance = String(repeating: "养", count: 141)
        try PaymentFileWriter.validate(header, for: .fixed)
        #expect(Fixtures.error { try PaymentFileWriter.validate(header, for: .pain001) }?.kind == .invalidField)
        header = Fixtures.header
        header.period = 202613
        try PaymentFileWriter.validate(header, for: .pain001)
        #expect(Fixtures.error { try PaymentFileWriter.validate(header, for: .fixed) }?.kind == .invalidField)
        header.valueDate = BankDate(year: 2026, month: 2, day: 29)
        #expect(Fixtures.error { try PaymentFileWriter.validate(header, for: .pain001) }?.kind == .invalidField)
    }

    @Test func theTrailerCountsAndSums() throws {
        var writer = PaymentFileWriter(format: .fixed, header: Fixtures.header)
        for line in Fixtures.lines { try writer.append(line) }
        #expect(writer.count == 3)
        #expect(writer.totalFen == 373_555)
        #expect(Fixtures.text(writer.finish()).hasSuffix("T0000003000000000000373555\n"))
    }
}

/// The text fields of a line, as test arguments (key paths are not Sendable).
enum LineField: Sendable {
    case payeeName, cardNumber, reference

    func set(_ value: String, in line: inout PaymentLine) {
        switch self {
        case .payeeName: line.payeeName = value
        case .cardNumber: line.cardNumber = value
        case .reference: line.reference = value
        }
    }
}

/// The text fields of a header, as test arguments.
enum HeaderField: Sendable {
    case batchNumber, officeCode, currency, payerAccount, payerBIC, createdAt

    func set(_ value: String, in header: inout PaymentBatchHeader) {
        switch self {
        case .batchNumber: header.batchNumber = value
        case .officeCode: header.officeCode = value
        case .currency: header.currency = value
        case .payerAccount: header.payerAccount = value
        case .payerBIC: header.payerBIC = value
        case .createdAt: header.createdAt = value
        }
    }
}
