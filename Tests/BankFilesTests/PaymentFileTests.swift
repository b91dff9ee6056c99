import BankFiles
import Testing

/// Reading a payment file back checks it as the writer did, and refuses it whole otherwise.
struct PaymentFileTests {
    static func read(_ bytes: [UInt8]) throws { _ = try PaymentFile.parse(bytes) }

    static func refusal(_ text: String) -> BankFileError? {
        Fixtures.error { _ = try PaymentFile.parse(Fixtures.bytes(text)) }
    }

    @Test(
        arguments: [
            ("T0000003000000000000373555", "T0000002000000000000373555", BankFileError.Kind.trailerMismatch, 5),
            ("T0000003000000000000373555", "T0000003000000000000373554", .trailerMismatch, 5),
            ("D0000002", "D0000003", .invalidField, 3), ("张三 ", "张三", .malformedLine, 2),
            ("6217001234567890   ", "621700123456789A   ", .invalidField, 4),
            ("20261215202612", "20261215202613", .invalidField, 1),
        ] as [(String, String, BankFileError.Kind, Int)]
    )
    func aFaultyFixedPaymentFileIsRefused(original: String, faulty: String, kind: BankFileError.Kind, line: Int) {
        Fixtures.expectRefusal(of: PaymentFileWriterTests.golden, original, faulty, kind, line, by: Self.read)
    }

    @Test func aFixedPaymentLineThatIsNotUTF8IsRefused() {
        var bytes = Fixtures.bytes(PaymentFileWriterTests.golden)
        // 张 (E5 BC A0) made X 80 80: as many scalars by their lead bytes, but not UTF-8.
        let index = bytes.firstIndex(of: 0xE5)!
        bytes.replaceSubrange(index..<index + 3, with: [UInt8(ascii: "X"), 0x80, 0x80])
        let error = Fixtures.error { _ = try PaymentFile.parse(bytes) }
        #expect(error?.kind == .malformedLine)
        #expect(error?.line == 2)
        #expect(error?.en == "Line 2: the line is not valid UTF-8.")
    }

    @Test(
        arguments: [
            ("<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>4</NbOfTxs>", BankFileError.Kind.trailerMismatch, nil),
            ("<CtrlSum>3735.55</CtrlSum>", "<CtrlSum>3735.56</CtrlSum>", .trailerMismatch, nil),
            ("<Nm>张三</Nm>", "<Nm>\(String(repeating: "张", count: 51))</Nm>", .fieldTooLong, 1),
            ("<EndToEndId>SB00000012347</EndToEndId>", "", .malformedLine, 3),
            (
                "<Ustrd>养老金 202612</Ustrd>\n        </RmtInf>\n      </CdtTrfTxInf>\n    </PmtInf>",
                "<Ustrd>养老金 202701</Ustrd>\n        </RmtInf>\n      </CdtTrfTxInf>\n    </PmtInf>", .invalidField, 3
            ),
        ] as [(String, String, BankFileError.Kind, Int?)]
    )
    func aFaultyPain001IsRefused(original: String, faulty: String, kind: BankFileError.Kind, line: Int?) throws {
        let text = Fixtures.text(try Fixtures.paymentFile(.pain001))
        Fixtures.expectRefusal(of: text, original, faulty, kind, line, by: Self.read)
    }

    @Test func anEmptyOrUnknownPaymentFileIsRefused() {
        #expect(Fixtures.error { _ = try PaymentFile.parse([]) }?.kind == .emptyFile)
        #expect(Self.refusal("hello")?.kind == .unknownFormat)
        #expect(Self.refusal(SampleAnswers.fixed)?.kind == .unknownFormat)
        #expect(Self.refusal(SampleAnswers.pain002)?.kind == .unknownFormat)
    }
}
