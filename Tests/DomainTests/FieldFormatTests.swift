import Domain
import Testing

struct FieldFormatTests {
    @Test(arguments: ["13812345678", "19912345678", "13000000000", "15999999999", "17012345678"])
    func mainlandMobileNumbersAreValid(number: String) {
        #expect(Mobile.isValid(number))
    }

    @Test(arguments: [
        "", "1381234567", "138123456789", "12812345678", "10812345678", "23812345678", "+8613812345678",
        "138-1234-5678", "1381234567a", "１３８１２３４５６７８", " 13812345678",
    ])
    func otherNumbersAreNotMobiles(number: String) {
        #expect(!Mobile.isValid(number))
    }

    @Test(arguments: [
        "010-12345678", "+86-10-12345678", "13812345678", "12345", "0755-8888888-123", "12345678901234567890",
    ])
    func landlinesAndMobilesArePhones(number: String) {
        #expect(Phone.isValid(number))
    }

    @Test(arguments: [
        "", "1234", "+-+-+", "12-34", "123456789012345678901", "010 12345678", "010-1234567a", "(010)12345678",
        "1+2+3+4", "１２３４５",
    ])
    func otherTextIsNotAPhone(number: String) {
        #expect(!Phone.isValid(number))
    }

    @Test(arguments: ["A", "0", "ABC123456789", "12345678901234567890", "Z9"])
    func cardNumbersOfDigitsAndCapitalsAreValid(number: String) {
        #expect(SocialSecurityCard.isValid(number))
    }

    @Test(arguments: ["", "abc123", "123456789012345678901", "AB-12", "AB 12", "ÄB12"])
    func otherCardNumbersAreNot(number: String) {
        #expect(!SocialSecurityCard.isValid(number))
    }

    @Test(arguments: ["A", "C", "C13", "I6510", "T", "T9700", "F5123"])
    func industryCodesAreASectionAndUpToFourDigits(code: String) {
        #expect(IndustryCode.isValid(code))
    }

    @Test(arguments: ["", "U", "Z1", "c13", "C12345", "13", "CC", "C1A", " C13"])
    func otherIndustryCodesAreNot(code: String) {
        #expect(!IndustryCode.isValid(code))
    }
}
