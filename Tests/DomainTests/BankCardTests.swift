import Domain
import Testing

struct BankCardTests {
    // domain-rules §3.
    @Test(arguments: [
        ("6222021234567894", "6222021234567894"), ("6228480012345678903", "6228480012345678903"),
        ("6217001234567890122", "6217001234567890122"), ("6222 0212 3456 7894", "6222021234567894"),
        ("6222-0212-3456-7894", "6222021234567894"), (" 6228 4800 1234 5678 903 ", "6228480012345678903"),
        ("62170012345678901-22", "6217001234567890122"),
    ])
    func validNumbersComeBackAsDigitsOnly(input: String, digits: String) {
        let (normalised, issues) = BankCard.validate(input, field: "bankCardNumber")
        #expect(normalised == digits)
        #expect(issues.isEmpty)
    }

    @Test func aWrongCheckDigitIsAnError() {
        let (normalised, issues) = BankCard.validate("6222021234567891", field: "bankCardNumber")
        #expect(normalised == nil)
        #expect(issues == [ValidationIssue(field: "bankCardNumber", code: .bankCardCheckDigit)])
        #expect(issues.hasErrors)
    }

    @Test(arguments: ["622202123456782", "62220212345678901234", "6222O21234567894", "6222.0212.3456.7894", "１２３"])
    func numbersOfTheWrongLengthOrWithOtherCharactersAreALengthError(input: String) {
        let (normalised, issues) = BankCard.validate(input, field: "bankCardNumber")
        #expect(normalised == nil)
        #expect(
            issues == [
                ValidationIssue(field: "bankCardNumber", code: .bankCardLength, arguments: ["min": "16", "max": "19"])
            ]
        )
    }

    @Test(arguments: ["", " ", " - - "])
    func aBlankNumberIsRequired(input: String) {
        #expect(BankCard.validate(input, field: "card").1 == [ValidationIssue(field: "card", code: .required)])
    }

    @Test func theLengthsCanBeConfigured() {
        // 15 digits with a valid Luhn digit.
        #expect(BankCard.validate("622202123456782", field: "f", lengths: 12...19).0 == "622202123456782")
        let issues = BankCard.validate("6222021234567894", field: "f", lengths: 12...15).1
        #expect(issues == [ValidationIssue(field: "f", code: .bankCardLength, arguments: ["min": "12", "max": "15"])])
    }

    // ISO/IEC 7812-1 Annex B: the Luhn digit catches every single mistyped digit.
    @Test(arguments: ["6222021234567894", "6228480012345678903", "6217001234567890122"])
    func everyMistypedDigitIsCaught(number: String) {
        let digits = Array(number)
        var missed: [String] = []
        for position in digits.indices {
            for digit in "0123456789" where digit != digits[position] {
                var variant = digits
                variant[position] = digit
                let issues = BankCard.validate(String(variant), field: "bankCardNumber").1
                if issues.map(\.code) != [.bankCardCheckDigit] { missed.append(String(variant)) }
            }
        }
        #expect(missed.isEmpty)
    }
}
