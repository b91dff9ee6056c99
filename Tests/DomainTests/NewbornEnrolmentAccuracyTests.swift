import Domain
import Testing

struct NewbornEnrolmentAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    // Born 2025-03-01, a girl.
    static let valid = NewbornEnrolment(
        name: "张小宝",
        citizenId: "110105202503010023",
        gender: "female",
        birthDate: "2025-03-01",
        householdType: "urban",
        guardianCitizenId: "110105199003071239",
        guardianPhone: "13812345678"
    )

    @Test func aValidEnrolmentHasNoIssuesAndStaysAsItIs() {
        let (normalised, issues) = Self.valid.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised == Self.valid)
    }

    @Test func theGenderAndBirthDateAreFilledFromTheID() {
        let payload = NewbornEnrolment(
            name: " 张小宝 ",
            citizenId: "110105202503010023 ",
            householdType: "rural",
            guardianCitizenId: "11010519491231002x",
            guardianPhone: ""
        )
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(
            normalised
                == NewbornEnrolment(
                    name: "张小宝",
                    citizenId: "110105202503010023",
                    gender: "female",
                    birthDate: "2025-03-01",
                    householdType: "rural",
                    guardianCitizenId: "11010519491231002X",
                    guardianPhone: nil
                )
        )
    }

    @Test(
        arguments: [
            ("110105202406150016", nil), ("110105202406140010", "366"), ("110105202406010013", "379"),
            ("110105202506150013", nil),
        ] as [(String, String?)]
    )
    func aChildOlderThan365DaysIsNoNewborn(citizenId: String, days: String?) {
        var payload = Self.valid
        payload.citizenId = citizenId
        payload.gender = nil
        payload.birthDate = nil
        let issues = payload.accuracyChecked(today: Self.today).issues
        if let days {
            #expect(issues == [ValidationIssue(field: "birthDate", code: .newbornTooOld, arguments: ["days": days])])
        } else {
            #expect(issues.isEmpty)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var change: @Sendable (inout NewbornEnrolment) -> Void
        var expected: [String]
    }

    static let invalid: [Case] = [
        Case(testDescription: "blank name", change: { $0.name = "" }, expected: ["name required"]),
        Case(testDescription: "doubled dot", change: { $0.name = "张··宝" }, expected: ["name name.invalid"]),
        Case(
            testDescription: "born tomorrow",
            change: {
                $0.citizenId = "110105202506160027"
                $0.birthDate = nil
            },
            expected: ["citizenId citizen_id.future_birth_date"]
        ),
        Case(testDescription: "boy", change: { $0.gender = "male" }, expected: ["gender gender_mismatch"]),
        Case(
            testDescription: "other birth date",
            change: { $0.birthDate = "2025-03-02" },
            expected: ["birthDate birth_date_mismatch"]
        ),
        Case(
            testDescription: "household type",
            change: { $0.householdType = "town" },
            expected: ["householdType not_allowed"]
        ),
        Case(
            testDescription: "guardian's ID",
            change: { $0.guardianCitizenId = "110105199003071234" },
            expected: ["guardianCitizenId citizen_id.check_character"]
        ),
        Case(
            testDescription: "blank guardian",
            change: { $0.guardianCitizenId = " " },
            expected: ["guardianCitizenId required"]
        ),
        Case(
            testDescription: "guardian's phone",
            change: { $0.guardianPhone = "010-12345678" },
            expected: ["guardianPhone mobile.invalid"]
        ),
        Case(
            testDescription: "old and mistyped",
            change: {
                $0.citizenId = "110105202406140010"
                $0.gender = "female"
                $0.birthDate = "2024-06-14"
                $0.guardianPhone = "1"
            },
            expected: ["gender gender_mismatch", "birthDate newborn.too_old", "guardianPhone mobile.invalid"]
        ),
    ]

    @Test(arguments: Self.invalid)
    func eachFaultIsReportedOnItsField(fault: Case) {
        var payload = Self.valid
        fault.change(&payload)
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == fault.expected)
    }
}
