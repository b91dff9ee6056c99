import Domain
import Testing

struct PersonNameTests {
    @Test(arguments: [
        "张三", "买买提·艾力", "欧阳娜娜", "John Smith", "𠮷野家", "王", "阿卜杜热合曼·买买提·艾力", "Mary-Jane O'Neil",
        "José Müller", "Nguyễn Văn An", "Jean·Paul", "㐀一", "J",
    ])
    func chineseAndLatinNamesAreValidAsTheyAre(name: String) {
        let (normalised, issues) = PersonName.validate(name, field: "name")
        #expect(normalised == name)
        #expect(issues.isEmpty)
    }

    @Test(arguments: [
        ("  张三 ", "张三"), ("买买提•艾力", "买买提·艾力"), ("买买提・艾力", "买买提·艾力"), ("买买提．艾力", "买买提·艾力"),
        ("买买提･艾力", "买买提·艾力"), ("买买提‧艾力", "买买提·艾力"), ("\u{3000}欧阳娜娜\u{3000}", "欧阳娜娜"),
    ])
    func whiteSpaceIsTrimmedAndLookAlikeDotsBecomeTheMiddleDot(input: String, name: String) {
        let (normalised, issues) = PersonName.validate(input, field: "name")
        #expect(normalised == name)
        #expect(issues.isEmpty)
    }

    @Test(arguments: [
        "张三1", "·张三", "张三·", "张··三", "张 三", "张三John", "John  Smith", " -John", "John-", "John--Smith",
        "John3", "张三!", "Ж", "ＪＯＨＮ", "😀", "张\u{0301}三", "〇",
    ])
    func otherNamesAreInvalid(name: String) {
        let (normalised, issues) = PersonName.validate(name, field: "name")
        #expect(normalised == nil)
        #expect(issues == [ValidationIssue(field: "name", code: .nameInvalid)])
    }

    @Test(arguments: ["", "   ", "\u{3000}"])
    func aBlankNameIsRequired(name: String) {
        #expect(PersonName.validate(name, field: "name").1 == [ValidationIssue(field: "name", code: .required)])
    }

    @Test func fiftyCharactersAreTheMost() {
        let fifty = String(repeating: "张", count: 50)
        #expect(PersonName.validate(fifty, field: "name").0 == fifty)
        let fiftyOne = String(repeating: "张", count: 51)
        #expect(
            PersonName.validate(fiftyOne, field: "name").1
                == [ValidationIssue(field: "name", code: .tooLong, arguments: ["max": "50"])]
        )
        // Characters, not UTF-8 bytes nor UTF-16 units: 50 Extension B characters are 200 bytes.
        let extensionB = String(repeating: "𠮷", count: 50)
        #expect(PersonName.validate(extensionB, field: "name").1.isEmpty)
    }
}
