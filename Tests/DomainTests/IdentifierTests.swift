import Domain
import Testing

struct IdentifierTests {
    @Test(arguments: [
        "110105199003071239", "440305198511150040", "310104200012315676", "11010519491231002X", "440524188001010014",
    ])
    func citizenIDsFromTheStandardAndTheNotesAreValid(number: String) {
        #expect(CitizenID.hasValidCheckCharacter(number))
        #expect(CitizenID.complete(body: String(number.prefix(17))) == number)
    }

    @Test(arguments: [
        "110105199003071234", "44030519851115004X", "11010519900307123", "1101051990030712391", "11010519900307123x",
        "1101051990030712A9",
    ])
    func citizenIDsWithAWrongCheckCharacterOrLengthAreNot(number: String) {
        #expect(!CitizenID.hasValidCheckCharacter(number))
    }

    @Test func theWorkedCitizenIDExampleComesOutAsNine() {
        #expect(CitizenID.checkCharacter(body: "11010519900307123") == "9")
    }

    @Test(arguments: ["91350100M000100Y43", "91110108MA01ABCD5T"])
    func creditCodesFromTheNotesAreValid(code: String) {
        #expect(CreditCode.hasValidCheckCharacter(code))
    }

    @Test(arguments: ["91350100M000100Y4Z", "91350100M000I00Y43", "91350100M000100Y4", "91350100M000100Y433"])
    func creditCodesWithAWrongCheckOrCharacterAreNot(code: String) {
        #expect(!CreditCode.hasValidCheckCharacter(code))
    }

    @Test func luhnMatchesTheNotesExamples() {
        #expect(Luhn.isValid("6222021234567894"))
        #expect(Luhn.isValid("6228480012345678903"))
        #expect(Luhn.isValid("6217001234567890122"))
        #expect(!Luhn.isValid("6222021234567891"))
        #expect(Luhn.checkDigit(payload: "622202123456789") == "4")
        #expect(Luhn.checkDigit(payload: "62220212345678a") == nil)
    }
}
