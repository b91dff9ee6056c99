import BankFiles
import Testing

struct ReturnReasonTests {
    @Test func knownCodesAreNamed() {
        #expect(ReturnReason.describe("AC04") == ("账户已销户", "closed account number"))
        #expect(ReturnReason.describe("MD07").en == "end customer deceased")
        for code in ["AC01", "AC06", "AG01", "AM05", "BE01", "MS03", "NARR"] {
            #expect(!ReturnReason.describe(code).zh.hasPrefix("其他原因"), "\(code)")
        }
    }

    @Test func otherCodesSaySo() {
        #expect(ReturnReason.describe("ZZ99") == ("其他原因（代码 ZZ99）", "other reason (code ZZ99)"))
    }
}
