import Domain
import Testing

struct EmployerRegistrationAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    static let valid = EmployerRegistration(
        creditCode: "91350100M000100Y43",
        name: "福州市某某软件有限公司",
        industryCode: "I6510",
        riskClass: 1,
        address: "福州市鼓楼区五四路 1 号",
        contactPhone: "0591-87654321"
    )

    @Test func aValidRegistrationHasNoIssuesAndStaysAsItIs() {
        let (normalised, issues) = Self.valid.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised == Self.valid)
    }

    @Test func inputIsNormalised() {
        let payload = EmployerRegistration(
            creditCode: " 91110108ma01abcd5t ",
            name: " 北京某某科技有限公司 ",
            industryCode: " i65 ",
            riskClass: 8,
            address: " ",
            contactPhone: " 010-1234 5678 "
        )
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(
            normalised
                == EmployerRegistration(
                    creditCode: "91110108MA01ABCD5T",
                    name: "北京某某科技有限公司",
                    industryCode: "I65",
                    riskClass: 8,
                    address: nil,
                    contactPhone: "010-12345678"
                )
        )
    }

    @Test func anOrganisationCodeFailingItsCheckOnlyWarns() {
        var payload = Self.valid
        payload.creditCode = "91350100M000100Y56"
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.summary == ["creditCode credit_code.organisation_check (warning)"])
        #expect(!issues.hasErrors)
        #expect(normalised.creditCode == "91350100M000100Y56")
    }

    @Test func twoHundredCharactersOfNameAreAccepted() {
        var payload = Self.valid
        payload.name = String(repeating: "某", count: 200)
        #expect(payload.accuracyChecked(today: Self.today).issues.isEmpty)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var change: @Sendable (inout EmployerRegistration) -> Void
        var expected: [String]
    }

    static let invalid: [Case] = [
        Case(
            testDescription: "check character",
            change: { $0.creditCode = "91350100M000100Y4Z" },
            expected: ["creditCode credit_code.check_character"]
        ),
        Case(
            testDescription: "letter I",
            change: { $0.creditCode = "91350100M000I00Y43" },
            expected: ["creditCode credit_code.characters"]
        ),
        Case(
            testDescription: "letter in the region",
            change: { $0.creditCode = "913501O0M000100Y43" },
            expected: ["creditCode credit_code.characters"]
        ),
        Case(
            testDescription: "short code",
            change: { $0.creditCode = "91350100M000100Y4" },
            expected: ["creditCode credit_code.length"]
        ),
        Case(testDescription: "blank code", change: { $0.creditCode = "" }, expected: ["creditCode required"]),
        Case(testDescription: "blank name", change: { $0.name = "  " }, expected: ["name required"]),
        Case(
            testDescription: "201-character name",
            change: { $0.name = String(repeating: "某", count: 201) },
            expected: ["name too_long"]
        ),
        Case(
            testDescription: "section U",
            change: { $0.industryCode = "U1" },
            expected: ["industryCode industry_code.invalid"]
        ),
        Case(
            testDescription: "five digits",
            change: { $0.industryCode = "I65101" },
            expected: ["industryCode industry_code.invalid"]
        ),
        Case(testDescription: "blank industry", change: { $0.industryCode = "" }, expected: ["industryCode required"]),
        Case(testDescription: "class 0", change: { $0.riskClass = 0 }, expected: ["riskClass out_of_range"]),
        Case(testDescription: "class 9", change: { $0.riskClass = 9 }, expected: ["riskClass out_of_range"]),
        Case(
            testDescription: "address",
            change: { $0.address = String(repeating: "路", count: 301) },
            expected: ["address too_long"]
        ),
        Case(
            testDescription: "phone letters",
            change: { $0.contactPhone = "0591-8765432a" },
            expected: ["contactPhone phone.invalid"]
        ),
        Case(
            testDescription: "phone short",
            change: { $0.contactPhone = "1234" },
            expected: ["contactPhone phone.invalid"]
        ),
        Case(
            testDescription: "all at once",
            change: {
                $0.creditCode = "x"
                $0.name = ""
                $0.industryCode = "1"
                $0.riskClass = -1
                $0.contactPhone = "+"
            },
            expected: [
                "creditCode credit_code.length", "name required", "industryCode industry_code.invalid",
                "riskClass out_of_range", "contactPhone phone.invalid",
            ]
        ),
    ]

    @Test(arguments: Self.invalid)
    func eachFaultIsReportedOnItsField(fault: Case) {
        var payload = Self.valid
        fault.change(&payload)
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == fault.expected)
    }

    @Test func theRiskClassRangeIsInTheArguments() {
        var payload = Self.valid
        payload.riskClass = 12
        #expect(payload.accuracyChecked(today: Self.today).issues.map(\.arguments) == [["min": "1", "max": "8"]])
    }
}
