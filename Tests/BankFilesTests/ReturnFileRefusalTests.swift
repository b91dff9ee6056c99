import BankFiles
import Testing

/// Every fault refuses the whole file: parse throws, and no line of it is given back.
struct ReturnFileRefusalTests {
    /// The error of parsing `text`.
    static func refusal(_ text: String) -> BankFileError? {
        Fixtures.error { _ = try ReturnFile.parse(Fixtures.bytes(text)) }
    }

    // MARK: The fixed-width return file.

    @Test(
        arguments: [
            // The trailer's count, then its sum, one off.
            ("T0000003000000000000373555", "T0000004000000000000373555", BankFileError.Kind.trailerMismatch, 5),
            ("T0000003000000000000373555", "T0000003000000000000373556", .trailerMismatch, 5),
            // Lines out of sequence: the second numbered 3.
            ("R0000002SB00000012346", "R0000003SB00000012346", .invalidField, 3),
            // A line cut short, and one too long.
            ("FAC04    \n", "FAC04\n", .malformedLine, 3),
            ("FAC04    \n", "FAC04     \n", .malformedLine, 3),
            // A failed line without a reason code, a paid line with one, a status neither P nor F.
            ("FAC04    \n", "F        \n", .invalidField, 3),
            ("123456P        \n", "123456PAC04    \n", .invalidField, 2),
            ("123456P        \n", "123456X        \n", .invalidField, 2),
            // An amount with a letter, a reference in lower case, a day that does not exist.
            ("000000000123456P", "00000000012345OP", .invalidField, 2),
            ("R0000001SB00000012345", "R0000001sb00000012345", .invalidField, 2),
            ("20261216\n", "20261232\n", .invalidField, 1),
            // An unknown record, a header cut short, lines after the trailer.
            ("R0000003", "X0000003", .malformedLine, 4), ("102301000012", "1023010000", .malformedHeader, 1),
            ("373555\n", "373555\nT0000000000000000000000000\n", .malformedTrailer, 6),
        ] as [(String, String, BankFileError.Kind, Int)]
    )
    func aFaultyFixedAnswerIsRefusedWhole(original: String, faulty: String, kind: BankFileError.Kind, line: Int) {
        Fixtures.expectRefusal(of: SampleAnswers.fixed, original, faulty, kind, line, by: Fixtures.readAnswer)
    }

    @Test func aFixedAnswerCutShortIsRefused() {
        let text = SampleAnswers.fixed
        // Without its trailer, and cut inside the last line.
        let withoutTrailer = String(text.dropLast(27))
        #expect(Self.refusal(withoutTrailer)?.kind == .malformedTrailer)
        #expect(Self.refusal(String(text.dropLast(1)))?.kind == .malformedTrailer)
        let cut = Self.refusal(String(withoutTrailer.dropLast(10)))
        #expect(cut?.kind == .malformedLine)
        #expect(cut?.line == 4)
    }

    @Test func theLinesAddingUpBeyondTheTrailerIsAMismatch() {
        let line = "R0000001SB00000012345       999999999999999P        \n"
        var text = "HSB000000004200110230100001220261216\n"
        for sequence in 1...1001 {
            let number = String(sequence)
            text += "R" + String(repeating: "0", count: 7 - number.count) + number + line.dropFirst(8)
        }
        text += "T0001001999999999999999999\n"
        #expect(Self.refusal(text)?.kind == .trailerMismatch)
    }

    @Test func anErrorNamesNoValueOfTheFile() {
        let error = Self.refusal(SampleAnswers.fixed.replacing("FAC04    \n", with: "F        \n"))
        #expect(error?.en == "Line 3: a failed line has no reason code.")
        #expect(error?.zh == "第 3 行：失败的行缺少原因代码。")
        #expect(error?.description == error?.en)
        #expect(error?.en.contains("SB00000012346") == false)
    }

    // MARK: pain.002.

    @Test(
        arguments: [
            // NbOfTxsPerSts: the count of a status, then its control sum, off.
            (
                "<DtldNbOfTxs>1</DtldNbOfTxs><DtldSts>ACSC", "<DtldNbOfTxs>2</DtldNbOfTxs><DtldSts>ACSC",
                BankFileError.Kind.trailerMismatch, nil
            ),
            ("<DtldCtrlSum>2500.00</DtldCtrlSum>", "<DtldCtrlSum>2500.01</DtldCtrlSum>", .trailerMismatch, nil),
            // A reference too long, one in lower case.
            ("<OrgnlEndToEndId>SB00000012346<", "<OrgnlEndToEndId>SB0000001234600000000X<", .fieldTooLong, 2),
            ("<OrgnlEndToEndId>SB00000012345<", "<OrgnlEndToEndId>sb00000012345<", .invalidField, 1),
            // A rejection without a reason; a status that is not final; one missing.
            ("<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>账户已销户</AddtlInf></StsRsnInf>", "", .invalidField, 2),
            ("<TxSts>ACSC</TxSts>", "<TxSts>PDNG</TxSts>", .invalidField, 1),
            ("<TxSts>ACSC</TxSts>", "", .malformedLine, 1),
            // An amount in another currency, one with three decimals.
            ("Ccy=\"CNY\">2500.00", "Ccy=\"USD\">2500.00", .invalidField, 2),
            ("Ccy=\"CNY\">2500.00", "Ccy=\"CNY\">2500.001", .invalidField, 2),
            // No batch named; an element not closed; a paid line in a rejected group.
            ("<OrgnlMsgId>SB0000000042001</OrgnlMsgId>", "", .malformedHeader, nil),
            ("</TxSts>\n\t\t\t\t<StsRsnInf>", "\n\t\t\t\t<StsRsnInf>", .malformedLine, nil),
            ("<GrpSts>PART</GrpSts>", "<GrpSts>RJCT</GrpSts>", .invalidField, 1),
        ] as [(String, String, BankFileError.Kind, Int?)]
    )
    func aFaultyPain002IsRefusedWhole(original: String, faulty: String, kind: BankFileError.Kind, line: Int?) {
        Fixtures.expectRefusal(of: SampleAnswers.pain002, original, faulty, kind, line, by: Fixtures.readAnswer)
    }

    @Test func aPain002RejectingTheWholeBatchMayListNoTransaction() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
              <CstmrPmtStsRpt>
                <GrpHdr><MsgId>R1</MsgId><CreDtTm>2026-12-04T11:00:00</CreDtTm></GrpHdr>
                <OrgnlGrpInfAndSts>
                  <OrgnlMsgId>SB0000000042001</OrgnlMsgId>
                  <OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
                  <GrpSts>RJCT</GrpSts>
                  <StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf>
                </OrgnlGrpInfAndSts>
              </CstmrPmtStsRpt>
            </Document>
            """
        let file = try ReturnFile.parse(Fixtures.bytes(text))
        #expect(file.lines.isEmpty)
        #expect(file.groupStatus == "RJCT")
        #expect(file.groupReasonCode == "FF01")
    }

    // MARK: camt.054.

    @Test(
        arguments: [
            // TxsSummry: the number of entries, then the sum, off.
            ("<NbOfNtries>2</NbOfNtries>", "<NbOfNtries>3</NbOfNtries>", BankFileError.Kind.trailerMismatch, nil),
            ("<Sum>3734.56</Sum>", "<Sum>3734.65</Sum>", .trailerMismatch, nil),
            ("<Sum>3734.56</Sum>", "<Sum>3,734.56</Sum>", .malformedTrailer, nil),
            // A transaction's amount that is not its entry's.
            ("<InstdAmt><Amt Ccy=\"CNY\">2500.00", "<InstdAmt><Amt Ccy=\"CNY\">2400.00", .trailerMismatch, 2),
            // A return reason too long, a return without a reason, no reference.
            ("<RtrInf><Rsn><Cd>AC04</Cd>", "<RtrInf><Rsn><Prtry>AC04AC04X</Prtry>", .fieldTooLong, 2),
            ("<Rsn><Cd>AC04</Cd></Rsn><AddtlInf>", "<AddtlInf>", .invalidField, 2),
            ("<Refs><EndToEndId>SB00000012345</EndToEndId></Refs>", "<Refs></Refs>", .malformedLine, 1),
            // A debit not booked; a credit without RtrInf; an entry without details.
            (
                "<Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-12-15", "<Sts>PDNG</Sts>\n        <BookgDt><Dt>2026-12-15",
                .invalidField, 1
            ),
            ("<RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>账户已销户</AddtlInf></RtrInf>", "", .invalidField, 2),
            (
                "<NtryDtls><TxDtls><Refs><EndToEndId>SB00000012345</EndToEndId></Refs></TxDtls></NtryDtls>", "",
                .malformedLine, 1
            ),
            // Two batches in one answer; an element not closed.
            (
                "<Refs><EndToEndId>SB00000012345", "<Refs><MsgId>SB0000000042002</MsgId><EndToEndId>SB00000012345",
                .invalidField, 2
            ),
            (
                "</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-12-16",
                "\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-12-16", .malformedLine, nil
            ),
        ] as [(String, String, BankFileError.Kind, Int?)]
    )
    func aFaultyCamt054IsRefusedWhole(original: String, faulty: String, kind: BankFileError.Kind, line: Int?) {
        Fixtures.expectRefusal(of: SampleAnswers.camt054, original, faulty, kind, line, by: Fixtures.readAnswer)
    }

    @Test(arguments: [SampleAnswers.pain002, SampleAnswers.camt054])
    func anXMLAnswerCutShortIsRefused(text: String) {
        for length in [text.count / 3, text.count / 2, text.count - 20] {
            #expect(Self.refusal(String(text.prefix(length)))?.kind == .malformedLine)
        }
    }

    @Test(arguments: ReturnFileFormat.allCases)
    func aFileOverTheLimitIsRefusedUnread(format: ReturnFileFormat) {
        let bytes = [UInt8](repeating: UInt8(ascii: "H"), count: BankFileLimits.maximumBytes + 1)
        #expect(Fixtures.error { _ = try ReturnFile.parse(bytes) }?.kind == .tooLarge)
    }
}
