import Domain
import Testing

struct PersonRegistrationAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    static let valid = PersonRegistration(
        name: "张三",
        citizenId: "110105199003071239",
        gender: "male",
        birthDate: "1990-03-07",
        phone: "13812345678",
        address: "北京市朝阳区建国路1号",
        householdType: "urban",
        ssCardNumber: "A12345678",
        bankCardNumber: "6222021234567894",
        bankName: "中国工商银行",
        enrolments: [
            EnrolmentLine(schemeCode: "110", employerId: 7, startPeriod: 202_506, declaredWageFen: 1_200_000),
            EnrolmentLine(schemeCode: "310", employerId: 7, startPeriod: 202_506, declaredWageFen: 1_200_000),
            EnrolmentLine(schemeCode: "210", employerId: 7, startPeriod: 202_506, declaredWageFen: 1_200_000),
        ]
    )

    static func check(_ change: (inout PersonRegistration) -> Void) -> (PersonRegistration, [ValidationIssue]) {
        var payload = Self.valid
        change(&payload)
        let result = payload.accuracyChecked(today: Self.today)
        return (result.normalised, result.issues)
    }

    @Test func aValidRegistrationHasNoIssuesAndStaysAsItIs() {
        let (normalised, issues) = Self.check { _ in }
        #expect(issues.isEmpty)
        #expect(normalised == Self.valid)
    }

    @Test func theMinimalRegistrationIsValid() {
        let payload = PersonRegistration(name: "欧阳娜娜", citizenId: "440305198511150040", householdType: "rural")
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised.gender == "female")
        #expect(normalised.birthDate == "1985-11-15")
        #expect(normalised.enrolments == nil)
    }

    @Test func inputIsNormalised() {
        let payload = PersonRegistration(
            name: " 买买提•艾力 ",
            citizenId: " 11010519491231002x ",
            gender: nil,
            birthDate: " ",
            phone: "138 1234-5678",
            address: "  ",
            householdType: " rural ",
            ssCardNumber: " a123 ",
            bankCardNumber: "6222 0212 3456 7894",
            bankName: "",
            enrolments: [EnrolmentLine(schemeCode: " 390 ", startPeriod: 202_507)]
        )
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(
            normalised
                == PersonRegistration(
                    name: "买买提·艾力",
                    citizenId: "11010519491231002X",
                    gender: "female",
                    birthDate: "1949-12-31",
                    phone: "13812345678",
                    address: nil,
                    householdType: "rural",
                    ssCardNumber: "A123",
                    bankCardNumber: "6222021234567894",
                    bankName: nil,
                    enrolments: [EnrolmentLine(schemeCode: "390", startPeriod: 202_507)]
                )
        )
    }

    @Test func aLegacyNumberIsConvertedWithAWarning() {
        let (normalised, issues) = Self.check {
            $0.citizenId = "110105491231002"
            $0.gender = "female"
            $0.birthDate = nil
            $0.enrolments = nil
        }
        #expect(issues.summary == ["citizenId citizen_id.converted (warning)"])
        #expect(issues[0].arguments == ["converted": "11010519491231002X"])
        #expect(normalised.citizenId == "11010519491231002X")
        #expect(normalised.birthDate == "1949-12-31")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var change: @Sendable (inout PersonRegistration) -> Void
        var expected: [String]
    }

    static let invalid: [Case] = [
        Case(testDescription: "blank name", change: { $0.name = " " }, expected: ["name required"]),
        Case(testDescription: "digit in name", change: { $0.name = "张三1" }, expected: ["name name.invalid"]),
        Case(
            testDescription: "51-character name",
            change: { $0.name = String(repeating: "张", count: 51) },
            expected: ["name too_long"]
        ),
        Case(testDescription: "blank ID", change: { $0.citizenId = "" }, expected: ["citizenId required"]),
        Case(
            testDescription: "wrong check character",
            change: { $0.citizenId = "110105199003071234" },
            expected: ["citizenId citizen_id.check_character"]
        ),
        Case(
            testDescription: "impossible birth date in the ID",
            change: { $0.citizenId = "110105199002301231" },
            expected: ["citizenId citizen_id.birth_date"]
        ),
        Case(testDescription: "other gender", change: { $0.gender = "female" }, expected: ["gender gender_mismatch"]),
        Case(
            testDescription: "other birth date",
            change: { $0.birthDate = "1990-03-08" },
            expected: ["birthDate birth_date_mismatch"]
        ),
        Case(
            testDescription: "bad ID and a gender not allowed",
            change: {
                $0.citizenId = "110105199003071234"
                $0.gender = "M"
            },
            expected: ["citizenId citizen_id.check_character", "gender not_allowed"]
        ),
        Case(
            testDescription: "bad ID and a malformed birth date",
            change: {
                $0.citizenId = "11010519900307123"
                $0.birthDate = "1990/03/07"
            },
            expected: ["citizenId citizen_id.length", "birthDate invalid_date"]
        ),
        Case(testDescription: "landline", change: { $0.phone = "010-12345678" }, expected: ["phone mobile.invalid"]),
        Case(
            testDescription: "301-character address",
            change: { $0.address = String(repeating: "路", count: 301) },
            expected: ["address too_long"]
        ),
        Case(
            testDescription: "household type",
            change: { $0.householdType = "city" },
            expected: ["householdType not_allowed"]
        ),
        Case(
            testDescription: "blank household type",
            change: { $0.householdType = "" },
            expected: ["householdType required"]
        ),
        Case(
            testDescription: "card number",
            change: { $0.ssCardNumber = "AB-1" },
            expected: ["ssCardNumber ss_card.invalid"]
        ),
        Case(
            testDescription: "bank card check digit",
            change: { $0.bankCardNumber = "6222021234567891" },
            expected: ["bankCardNumber bank_card.check_digit"]
        ),
        Case(
            testDescription: "bank card length",
            change: { $0.bankCardNumber = "622202123456" },
            expected: ["bankCardNumber bank_card.length"]
        ),
        Case(
            testDescription: "101-character bank name",
            change: { $0.bankName = String(repeating: "银", count: 101) },
            expected: ["bankName too_long"]
        ),
        Case(
            testDescription: "unknown scheme",
            change: { $0.enrolments![1].schemeCode = "320" },
            expected: ["enrolments[1].schemeCode scheme.unknown"]
        ),
        Case(
            testDescription: "blank scheme",
            change: { $0.enrolments![0].schemeCode = " " },
            expected: ["enrolments[0].schemeCode required"]
        ),
        Case(
            testDescription: "repeated scheme",
            change: { $0.enrolments![2].schemeCode = "110" },
            expected: ["enrolments[2].schemeCode scheme.repeated"]
        ),
        Case(
            testDescription: "invalid period",
            change: { $0.enrolments![0].startPeriod = 202_513 },
            expected: ["enrolments[0].startPeriod invalid_period"]
        ),
        Case(
            testDescription: "period 13 months ahead",
            change: { $0.enrolments![0].startPeriod = 202_607 },
            expected: ["enrolments[0].startPeriod period.far_ahead (warning)"]
        ),
        Case(
            testDescription: "negative wage",
            change: { $0.enrolments![0].declaredWageFen = -1 },
            expected: ["enrolments[0].declaredWageFen amount_out_of_range"]
        ),
        Case(
            testDescription: "wage above a million yuan",
            change: { $0.enrolments![2].declaredWageFen = 100_000_001 },
            expected: ["enrolments[2].declaredWageFen amount_out_of_range"]
        ),
        Case(
            testDescription: "employee scheme without employer or wage",
            change: {
                $0.enrolments![1].employerId = nil
                $0.enrolments![1].declaredWageFen = nil
            },
            expected: ["enrolments[1].employerId employer.required", "enrolments[1].declaredWageFen base.required"]
        ),
        Case(
            testDescription: "residents' scheme with an employer",
            change: { $0.enrolments = [EnrolmentLine(schemeCode: "170", employerId: 7, startPeriod: 202_506)] },
            expected: ["enrolments[0].employerId employer.not_allowed"]
        ),
        Case(
            testDescription: "start before the month of birth",
            change: { $0.enrolments![0].startPeriod = 199_002 },
            expected: ["enrolments[0].startPeriod period.before_birth"]
        ),
        Case(
            testDescription: "several at once, in field order",
            change: {
                $0.name = "·张三"
                $0.phone = "1381234567"
                $0.householdType = "suburban"
                $0.enrolments = [
                    EnrolmentLine(schemeCode: "999", employerId: 7, startPeriod: 202_506),
                    EnrolmentLine(schemeCode: "390", employerId: 7, startPeriod: 202_400),
                ]
            },
            expected: [
                "name name.invalid", "phone mobile.invalid", "householdType not_allowed",
                "enrolments[0].schemeCode scheme.unknown", "enrolments[1].startPeriod invalid_period",
                "enrolments[1].employerId employer.not_allowed",
            ]
        ),
    ]

    @Test(arguments: Self.invalid)
    func eachFaultIsReportedOnItsField(fault: Case) {
        let (_, issues) = Self.check(fault.change)
        #expect(issues.summary == fault.expected)
    }

    @Test func issuesCarryTheirArguments() {
        let (_, issues) = Self.check {
            $0.householdType = "city"
            $0.address = String(repeating: "路", count: 301)
            $0.enrolments = [
                EnrolmentLine(schemeCode: "170", employerId: 7, startPeriod: 202_607),
                EnrolmentLine(schemeCode: "170", startPeriod: 202_506),
                EnrolmentLine(schemeCode: "9", startPeriod: 202_506),
                EnrolmentLine(schemeCode: "310", employerId: 1, startPeriod: 202_506, declaredWageFen: -1),
            ]
        }
        #expect(
            issues.map(\.arguments) == [
                ["max": "300"], ["allowed": "urban,rural"], ["period": "202607"], ["scheme": "170"], ["scheme": "170"],
                ["allowed": "110,120,170,210,310,390,410,510"], ["max": "1000000.00"],
            ]
        )
    }

    @Test(arguments: [(202_606, false), (202_607, true), (202_506, false), (199_003, false)])
    func aStartMoreThanTwelveMonthsAheadIsOnlyAWarning(start: Int, warns: Bool) {
        let (_, issues) = Self.check { $0.enrolments = [EnrolmentLine(schemeCode: "390", startPeriod: start)] }
        #expect(issues.summary == (warns ? ["enrolments[0].startPeriod period.far_ahead (warning)"] : []))
        #expect(!issues.hasErrors)
    }

    @Test(arguments: [100_000_000, 0] as [Int64])
    func wagesFromZeroToAMillionYuanAreAccepted(wage: Int64) {
        #expect(Self.check { $0.enrolments![0].declaredWageFen = wage }.1.isEmpty)
    }

    // Labour Law art. 15: sixteen, counted at the end of the first month of cover.
    @Test(arguments: [
        ("110105201001011232", "110", 202_506, ["enrolments[0].startPeriod age.below_working_age"]),
        ("110105201001011232", "390", 202_506, []), ("110105201001011232", "110", 202_601, []),
        ("110105200907160037", "110", 202_507, []),
        ("110105200907160037", "410", 202_506, ["enrolments[0].startPeriod age.below_working_age"]),
    ])
    func employeeSchemesNeedTheWorkingAgeAtTheStart(citizenId: String, scheme: String, start: Int, expected: [String]) {
        let (_, issues) = Self.check {
            $0.citizenId = citizenId
            $0.gender = nil
            $0.birthDate = nil
            $0.enrolments = [
                EnrolmentLine(schemeCode: scheme, employerId: 7, startPeriod: start, declaredWageFen: 500_000)
            ]
            if scheme == "390" { $0.enrolments![0].employerId = nil }
        }
        #expect(issues.summary == expected)
    }

    @Test func theAgeIssueSaysHowOld() {
        let (_, issues) = Self.check {
            $0.citizenId = "110105201001011232"
            $0.gender = nil
            $0.birthDate = nil
            $0.enrolments = [EnrolmentLine(schemeCode: "210", employerId: 7, startPeriod: 202_506, declaredWageFen: 1)]
        }
        #expect(issues.map(\.arguments) == [["age": "15", "minimum": "16"]])
    }

    @Test func theMonthOfBirthIsNotBeforeBirth() {
        let (_, issues) = Self.check {
            $0.enrolments = [EnrolmentLine(schemeCode: "390", startPeriod: 199_003)]
        }
        #expect(issues.isEmpty)
        let (_, before) = Self.check {
            $0.enrolments = [EnrolmentLine(schemeCode: "390", startPeriod: 199_002)]
        }
        #expect(before.map(\.arguments) == [["period": "199002"]])
    }
}
