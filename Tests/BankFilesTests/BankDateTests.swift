import BankFiles
import Testing

struct BankDateTests {
    @Test func aDateIsWrittenBothWays() {
        let date = BankDate(year: 2026, month: 3, day: 5)
        #expect(date.yyyymmdd == "20260305")
        #expect(date.iso == "2026-03-05")
        #expect(BankDate(yyyymmdd: "20260305") == date)
    }

    @Test(arguments: ["2026030", "202603050", "2026-3-5", "20260230", "20261301", "00000101", "2026O305", "２0260305"])
    func anythingButARealDayIsNoDate(text: String) {
        #expect(BankDate(yyyymmdd: text) == nil)
    }

    @Test func leapDaysFollowTheGregorianRules() {
        #expect(BankDate(yyyymmdd: "20240229") != nil)
        #expect(BankDate(yyyymmdd: "20000229") != nil)
        #expect(BankDate(yyyymmdd: "21000229") == nil)
        #expect(!BankDate(year: 2026, month: 2, day: 29).isValid)
    }
}
