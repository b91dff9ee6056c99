import BankFiles
import Testing

/// The batch most tests write: three payments, Chinese names (one with `·`), a 19-, an 18- and
/// a 16-digit card.
enum Fixtures {
    static let header = PaymentBatchHeader(
        batchNumber: "SB0000000042001",
        officeCode: "320100",
        valueDate: BankDate(year: 2026, month: 12, day: 15),
        period: 202612,
        currency: "CNY",
        payerAccount: "32001234567890123456",
        payerName: "南京市社会保险事业管理中心",
        payerBIC: "ICBKCNBJNJG",
        createdAt: "2026-12-04T10:15:00",
        remittance: "养老金 202612"
    )

    static let lines = [
        PaymentLine(
            sequence: 1,
            reference: "SB00000012345",
            cardNumber: "6222021234567890123",
            payeeName: "张三",
            amountFen: 123_456
        ),
        PaymentLine(
            sequence: 2,
            reference: "SB00000012346",
            cardNumber: "622202123456789012",
            payeeName: "阿依古丽·买买提",
            amountFen: 250_000
        ),
        PaymentLine(
            sequence: 3,
            reference: "SB00000012347",
            cardNumber: "6217001234567890",
            payeeName: "李四",
            amountFen: 99
        ),
    ]

    /// The bank's answer to the batch: the first and last paid, the second failed (closed
    /// account).
    static let answer = [
        ReturnLine(lineNumber: 1, reference: "SB00000012345", amountFen: 123_456, paid: true, reasonCode: nil),
        ReturnLine(lineNumber: 2, reference: "SB00000012346", amountFen: 250_000, paid: false, reasonCode: "AC04"),
        ReturnLine(lineNumber: 3, reference: "SB00000012347", amountFen: 99, paid: true, reasonCode: nil),
    ]

    static let answeredOn = BankDate(year: 2026, month: 12, day: 16)

    /// The whole payment file of `header` and `lines` in `format`.
    static func paymentFile(
        _ format: PaymentFileFormat,
        header: PaymentBatchHeader = Self.header,
        lines: [PaymentLine] = Self.lines
    ) throws -> [UInt8] {
        var writer = PaymentFileWriter(format: format, header: header, expectedLines: lines.count)
        for line in lines { try writer.append(line) }
        return writer.finish()
    }

    /// The answer in `format`, written by the simulated bank.
    static func returnFile(_ format: ReturnFileFormat, lines: [ReturnLine] = Self.answer) -> [UInt8] {
        ReturnFileWriter.write(
            format,
            batchNumber: Self.header.batchNumber,
            bankCode: "102301000012",
            answeredOn: Self.answeredOn,
            lines: lines
        )
    }

    /// `text` as bytes.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// `bytes` as text, for editing a file into a faulty one.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The error `body` throws, which must be a ``BankFileError``.
    static func error(_ body: () throws -> Void) -> BankFileError? {
        do {
            try body()
            return nil
        } catch let error as BankFileError {
            return error
        } catch {
            return nil
        }
    }

    /// Expects `text`, with `original` replaced by `faulty`, to be refused by `parse` with an
    /// error of `kind` blaming `line`.
    static func expectRefusal(
        of text: String,
        _ original: String,
        _ faulty: String,
        _ kind: BankFileError.Kind,
        _ line: Int?,
        by parse: ([UInt8]) throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(text.contains(original), sourceLocation: sourceLocation)
        let error = Self.error { try parse(Self.bytes(text.replacing(original, with: faulty))) }
        #expect(error?.kind == kind, sourceLocation: sourceLocation)
        #expect(error?.line == line, sourceLocation: sourceLocation)
    }

    /// Reads an answer, for ``expectRefusal(of:_:_:_:_:by:sourceLocation:)``.
    static func readAnswer(_ bytes: [UInt8]) throws { _ = try ReturnFile.parse(bytes) }
}
