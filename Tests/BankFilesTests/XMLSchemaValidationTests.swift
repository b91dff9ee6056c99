import BankFiles
import Foundation
import Testing

/// The pain.001 written, checked by a validator that is not ours: xmlschema against the
/// pain.001.001.03 schema that sepaxml ships (both pinned by scripts/xml-tools.sh, which
/// make test runs). sepaxml ships no pain.002 or camt.054 schema, so those are not validated.
@Suite(
    .enabled(
        if: XMLTools.python != nil,
        "SHEBAO_XML_PYTHON is not set: run make test, or export SHEBAO_XML_PYTHON=\"$(scripts/xml-tools.sh)\""
    )
)
struct XMLSchemaValidationTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/validate-xml.py")

    /// Runs scripts/validate-xml.py on `bytes`.
    ///
    /// - Returns: Its exit status (0 valid, 1 invalid, 2 no such schema) and what it wrote on
    ///   stderr.
    static func validate(_ bytes: [UInt8], against schema: String) throws -> (status: Int32, message: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shebao-\(UUID().uuidString).xml")
        try Data(bytes).write(to: file)
        // best effort
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: XMLTools.python ?? "/nonexistent")
        process.arguments = [Self.script.path, schema, file.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: message, as: UTF8.self))
    }

    @Test func thePain001WrittenIsValid() throws {
        let result = try Self.validate(try Fixtures.paymentFile(.pain001), against: "pain.001.001.03")
        #expect(result.status == 0, "\(result.message)")
    }

    @Test func aBatchWithTextToEscapeAndNoRemittanceIsValid() throws {
        var header = Fixtures.header
        header.payerName = "A&B <社保> \"中心\" 'x'"
        header.remittance = ""
        header.officeCode = "320100001"
        let lines = (1...200).map { sequence in
            PaymentLine(
                sequence: sequence,
                reference: "SB\(100_000_000 + sequence)",
                cardNumber: "62220212345678\(10_000 + sequence)",
                payeeName: sequence % 2 == 0 ? "欧阳·娜娜&<>" : "王五",
                amountFen: Int64(sequence) * 1_001
            )
        }
        let result = try Self.validate(
            try Fixtures.paymentFile(.pain001, header: header, lines: lines),
            against: "pain.001.001.03"
        )
        #expect(result.status == 0, "\(result.message)")
    }

    @Test(arguments: [
        // A payment method the schema does not know; the group header without its count; a
        // BIC not of ISO 9362's pattern; elements out of the schema's order.
        ("<PmtMtd>TRF</PmtMtd>", "<PmtMtd>XYZ</PmtMtd>"),
        ("      <NbOfTxs>3</NbOfTxs>\n      <CtrlSum>", "      <CtrlSum>"),
        ("<BIC>ICBKCNBJNJG</BIC>", "<BIC>icbkcnbjnjg</BIC>"),
        ("<ReqdExctnDt>2026-12-15</ReqdExctnDt>", "<ReqdExctnDt>2026-12-15T00:00:00</ReqdExctnDt>"),
    ])
    func aBrokenDocumentFailsValidation(original: String, broken: String) throws {
        let text = Fixtures.text(try Fixtures.paymentFile(.pain001))
        #expect(text.contains(original))
        let result = try Self.validate(
            Fixtures.bytes(text.replacing(original, with: broken)),
            against: "pain.001.001.03"
        )
        #expect(result.status == 1)
        #expect(result.message.contains("not a valid pain.001.001.03"))
    }

    @Test func aSchemaNotShippedIsSaidSo() throws {
        let result = try Self.validate(Fixtures.returnFile(.pain002), against: "pain.002.001.03")
        #expect(result.status == 2)
        #expect(result.message.contains("ships no schema"))
    }
}

/// Where the XML tools are: the python of the virtual environment scripts/xml-tools.sh makes.
enum XMLTools {
    static var python: String? { ProcessInfo.processInfo.environment["SHEBAO_XML_PYTHON"] }
}
