import Business
import Domain
import HTTPServer
import Testing

@testable import API

/// What the disbursement routes write that the business layer does not: the names of its codes
/// in both languages, and the file name of a download in a header no name can break.
@Suite struct DisbursementJSONTests {
    @Test func everyCodeTheBusinessKeepsWithoutANameHasOneInBothLanguages() {
        func check<Code: Hashable>(_ codes: [Code], _ names: [Code: (zh: String, en: String)]) {
            for code in codes {
                let zh = DisbursementJSON.name(code, names, .zh)
                let en = DisbursementJSON.name(code, names, .en)
                #expect(names[code] != nil && zh != en, "\(code)")
            }
        }
        check(DisbursementTask.Status.allCases, DisbursementJSON.taskStatusNames)
        check(PaymentLineRecord.Status.allCases, DisbursementJSON.lineStatusNames)
        check([BankFileRecord.Kind.payment, .return], DisbursementJSON.fileKindNames)
        check(["unknown_reference", "amount_mismatch", "conflicting_answer"], DisbursementJSON.quarantineReasonNames)
        #expect(DisbursementJSON.name("later_reason", DisbursementJSON.quarantineReasonNames, .en) == "later_reason")
    }

    @Test func aDownloadNamesItsFileInPrintableASCIIWhateverTheName() {
        #expect(
            DisbursementRoutes.attachment("SB0000000000100.txt")
                == "attachment; filename=\"SB0000000000100.txt\"; filename*=UTF-8''SB0000000000100.txt"
        )
        let header = DisbursementRoutes.attachment("回盘 \"12月\"\\a;b.txt")
        #expect(header.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) }, "\(header)")
        #expect(header.hasPrefix("attachment; filename=\"__ _12___a;b.txt\"; filename*=UTF-8''"))
        #expect(header.hasSuffix("%E5%9B%9E%E7%9B%98%20%2212%E6%9C%88%22%5Ca%3Bb.txt"))
    }

    @Test func moneyIsWrittenInFenWithYuanBeside() {
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        writer.money("total", 900_305)
        writer.money("previous", nil)
        writer.money("change", -5)
        writer.endObject()
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #"{"totalFen":900305,"total":"9003.05","previousFen":null,"previous":null,"changeFen":-5,"change":"-0.05"}"#
        )
    }
}
