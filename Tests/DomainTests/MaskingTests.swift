import Domain
import Testing

struct MaskingTests {
    @Test func citizenIDsKeepTheRegionAndTheLastFour() {
        #expect(Masking.citizenID("110105199003071239") == "110105********1239")
        #expect(Masking.citizenID("11010519491231002X") == "110105********002X")
    }

    @Test func phonesKeepThePrefixAndTheLastFour() {
        #expect(Masking.phone("13812345678") == "138****5678")
        #expect(Masking.phone("010-12345678") == "010*****5678")
    }

    @Test func bankCardsKeepTheIssuerAndTheLastFour() {
        #expect(Masking.bankCard("6222021234567894") == "622202******7894")
        #expect(Masking.bankCard("6228480012345678903") == "622848*********8903")
    }

    @Test func creditCodesKeepTheFirstEightAndTheLastTwo() {
        #expect(Masking.creditCode("91350100M000100Y43") == "91350100********43")
    }

    @Test(arguments: [
        ("张三丰", "张*丰"), ("张三", "张*"), ("欧阳娜娜", "欧**娜"), ("张", "*"), ("", ""), ("John Smith", "J********h"),
    ])
    func namesKeepTheFirstAndTheLastCharacter(name: String, masked: String) {
        #expect(Masking.name(name) == masked)
    }

    @Test(arguments: ["12345", "1234567", "", "110105"])
    func valuesTooShortToHideAnythingAreHiddenWhole(value: String) {
        #expect(Masking.phone(value) == String(repeating: "*", count: value.count))
        #expect(Masking.citizenID(value) == String(repeating: "*", count: value.count))
    }

    @Test(arguments: ["110105199003071239", "13812345678", "6228480012345678903", "张三丰", "12345678"])
    func maskingKeepsTheLength(value: String) {
        #expect(Masking.citizenID(value).count == value.count)
        #expect(Masking.phone(value).count == value.count)
        #expect(Masking.bankCard(value).count == value.count)
        #expect(Masking.creditCode(value).count == value.count)
        #expect(Masking.name(value).count == value.count)
    }
}
