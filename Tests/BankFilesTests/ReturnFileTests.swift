import BankFiles
import Testing

struct ReturnFileTests {
    @Test func theSampleFixedAnswerReadsToItsLines() throws {
        let file = try ReturnFile.parse(Fixtures.bytes(SampleAnswers.fixed))
        #expect(
            file
                == ReturnFile(
                    format: .fixed,
                    batchNumber: "SB0000000042001",
                    lines: Fixtures.answer,
                    count: 3,
                    totalFen: 373_555,
                    bankCode: "102301000012",
                    answeredOn: Fixtures.answeredOn
                )
        )
    }

    @Test func theSamplePain002ReadsToItsLines() throws {
        let file = try ReturnFile.parse(Fixtures.bytes(SampleAnswers.pain002))
        #expect(
            file
                == ReturnFile(
                    format: .pain002,
                    batchNumber: "SB0000000042001",
                    lines: SampleAnswers.xmlLines(paidAmountFen: nil),
                    count: 2,
                    totalFen: 250_000,
                    bankCode: "102301000012",
                    answeredOn: Fixtures.answeredOn,
                    groupStatus: "PART"
                )
        )
    }

    @Test func theSampleCamt054ReadsToItsLines() throws {
        let file = try ReturnFile.parse(Fixtures.bytes(SampleAnswers.camt054))
        #expect(
            file
                == ReturnFile(
                    format: .camt054,
                    batchNumber: "SB0000000042001",
                    lines: SampleAnswers.xmlLines(paidAmountFen: 123_456),
                    count: 2,
                    totalFen: 373_456,
                    answeredOn: Fixtures.answeredOn
                )
        )
    }

    @Test(arguments: ReturnFileFormat.allCases)
    func whatTheSimulatedBankWritesReadsBackToTheSameLines(format: ReturnFileFormat) throws {
        let file = try ReturnFile.parse(Fixtures.returnFile(format))
        #expect(file.format == format)
        #expect(file.lines == Fixtures.answer)
        #expect(file.batchNumber == "SB0000000042001")
        #expect(file.bankCode == "102301000012")
        #expect(file.answeredOn == Fixtures.answeredOn)
        #expect(file.count == 3)
        #expect(file.totalFen == 373_555)
        #expect(Fixtures.returnFile(format) == Fixtures.returnFile(format))
    }

    @Test func thePain002MayGoWithoutAmountsAndLongCodesGoAsProprietary() throws {
        let lines = [
            ReturnLine(lineNumber: 1, reference: "A1", amountFen: nil, paid: false, reasonCode: "BANK0042"),
            ReturnLine(lineNumber: 2, reference: "A2", amountFen: nil, paid: true, reasonCode: nil),
        ]
        let bytes = Fixtures.returnFile(.pain002, lines: lines)
        #expect(Fixtures.text(bytes).contains("<Prtry>BANK0042</Prtry>"))
        let file = try ReturnFile.parse(bytes)
        #expect(file.lines == lines)
        #expect(file.totalFen == 0)
        #expect(file.groupStatus == "PART")
    }

    @Test func theSimulatedBanksFixedAnswerIsTheSampleExactly() {
        #expect(Fixtures.text(Fixtures.returnFile(.fixed)) == SampleAnswers.fixed)
    }

    @Test(arguments: [
        ([] as [UInt8], BankFileError.Kind.emptyFile), (Fixtures.bytes("hello"), .unknownFormat),
        (Fixtures.bytes("batch,reference,amount\n"), .unknownFormat),
        (Fixtures.bytes("{\"lines\":[]}"), .unknownFormat),
        (
            Fixtures.bytes(
                "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"/>"
            ), .unknownFormat
        ),
        (
            Fixtures.bytes(
                "<!DOCTYPE Document [<!ENTITY a \"b\">]><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\"/>"
            ), .unknownFormat
        ),
    ])
    func anEmptyFileOrAnUnknownFormatIsRefused(bytes: [UInt8], kind: BankFileError.Kind) {
        #expect(Fixtures.error { _ = try ReturnFile.parse(bytes) }?.kind == kind)
    }

    @Test(arguments: PaymentFileFormat.allCases)
    func aPaymentFileIsNoAnswer(format: PaymentFileFormat) throws {
        let bytes = try Fixtures.paymentFile(format)
        #expect(Fixtures.error { _ = try ReturnFile.parse(bytes) }?.kind == .unknownFormat)
        #expect(PaymentFileFormat.detect(bytes) == format)
        #expect(ReturnFileFormat.detect(bytes) == nil)
    }

    @Test(arguments: ReturnFileFormat.allCases)
    func eachAnswerIsToldByItsFirstBytes(format: ReturnFileFormat) {
        let bytes = Fixtures.returnFile(format)
        #expect(ReturnFileFormat.detect(bytes) == format)
        #expect(PaymentFileFormat.detect(bytes) == nil)
    }

    @Test func aPrefixedNamespaceAndAByteOrderMarkAreKnownToo() throws {
        let prefixed = SampleAnswers.camt054.replacing("<", with: "<c:").replacing("<c:/", with: "</c:")
            .replacing("<c:?xml", with: "<?xml").replacing("xmlns=", with: "xmlns:c=")
        let file = try ReturnFile.parse([0xEF, 0xBB, 0xBF] + Fixtures.bytes(prefixed))
        #expect(file.lines.count == 2)
    }

    @Test func anXMLAnswerOfMoreThanTenMillionBytesIsRead() throws {
        // libxml2 refuses more than 10,000,000 bytes given at once (XML_MAX_LOOKUP_LIMIT); a
        // bank's answer to 50,000 payments is larger. Comments make it so here, cheaply.
        let comment = "<!-- " + String(repeating: "x", count: 9_990) + " -->\n"
        let filler = String(repeating: comment, count: 1_050)
        let text = SampleAnswers.camt054.replacing(
            "<BkToCstmrDbtCdtNtfctn>",
            with: "<BkToCstmrDbtCdtNtfctn>\n" + filler
        )
        #expect(text.utf8.count > 10_400_000)
        #expect(try ReturnFile.parse(Fixtures.bytes(text)).lines.count == 2)
    }
}
