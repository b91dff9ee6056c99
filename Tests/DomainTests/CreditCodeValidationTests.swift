import Domain
import Testing

struct CreditCodeValidationTests {
    // domain-rules §2.2 and §2.3.
    @Test(arguments: ["91350100M000100Y43", "91110108MA01ABCD5T", "N1110108MA01ABCD5D"])
    func theNotesCodesAndALetterAuthorityAreValidWithoutWarnings(code: String) {
        let (normalised, issues) = CreditCode.validate(code, field: "creditCode")
        #expect(normalised == code)
        #expect(issues.isEmpty)
    }

    @Test(arguments: [
        (" 91350100m000100y43 ", "91350100M000100Y43"), ("91110108ma01abcd5t", "91110108MA01ABCD5T"),
        ("\u{3000}91110108MA01ABCD5T\t", "91110108MA01ABCD5T"),
    ])
    func whiteSpaceIsTrimmedAndLettersRaised(input: String, code: String) {
        let (normalised, issues) = CreditCode.validate(input, field: "creditCode")
        #expect(normalised == code)
        #expect(issues.isEmpty)
    }

    @Test(arguments: [
        ("91350100M000100Y4Z", IssueCode.creditCodeCheckCharacter),
        ("91350100M000I00Y43", .creditCodeCharacters),
        ("913501O0M000100Y43", .creditCodeCharacters),
        ("", .required), ("  ", .required),
        ("91350100M000100Y4", .creditCodeLength), ("91350100M000100Y433", .creditCodeLength),
        ("91350100M000S00Y43", .creditCodeCharacters), ("91350100M000V00Y43", .creditCodeCharacters),
        ("91350100M000Z00Y43", .creditCodeCharacters), ("9135010AM000100Y43", .creditCodeCharacters),
        ("91350100M000-00Y43", .creditCodeCharacters), ("91350100M000１00Y43", .creditCodeCharacters),
        ("91350100M000100Y44", .creditCodeCheckCharacter), ("91110108MA01ABCD5X", .creditCodeCheckCharacter),
    ])
    func invalidCodesFailWithTheirReasonOnly(input: String, code: IssueCode) {
        let (normalised, issues) = CreditCode.validate(input, field: "creditCode")
        #expect(normalised == nil)
        #expect(issues == [ValidationIssue(field: "creditCode", code: code)])
    }

    @Test(arguments: ["91350100M000100Y56", "91110108MA01ABCD6X", "12100000400000000W"])
    func anOrganisationCodeFailingItsCheckIsOnlyAWarning(code: String) {
        #expect(CreditCode.hasValidCheckCharacter(code))
        let (normalised, issues) = CreditCode.validate(code, field: "employer.creditCode")
        #expect(normalised == code)
        #expect(
            issues == [
                ValidationIssue(field: "employer.creditCode", code: .creditCodeOrganisationCheck, severity: .warning)
            ]
        )
    }

    @Test(arguments: ["1210000040000000XN", "12100000100000040Y"])
    func organisationCheckValuesTenAndElevenAreXAndZero(code: String) {
        let (normalised, issues) = CreditCode.validate(code, field: "creditCode")
        #expect(normalised == code)
        #expect(issues.isEmpty)
    }

    // The weights 3^(i-1) mod 31 are all prime to 31: any one character mistyped changes the check.
    @Test(arguments: ["91350100M000100Y43", "91110108MA01ABCD5T"])
    func everyMistypedCharacterIsCaughtByTheCheckCharacter(code: String) {
        let characters = Array(code)
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var missed: [String] = []
        for position in 0..<17 {
            for replacement in alphabet where replacement != characters[position] {
                if (2..<8).contains(position) && !replacement.isNumber { continue }
                var variant = characters
                variant[position] = replacement
                let issues = CreditCode.validate(String(variant), field: "creditCode").1
                if issues.map(\.code) != [.creditCodeCheckCharacter] { missed.append(String(variant)) }
            }
        }
        #expect(missed.isEmpty)
    }
}
