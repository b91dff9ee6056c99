import Domain
import Testing

struct PersonChangeAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    @Test func aChangeOfAllDetailsHasNoIssues() {
        let payload = PersonChange(
            citizenId: "110105199003071239",
            name: "张三丰",
            phone: "13912345678",
            address: "上海市徐汇区漕溪北路 1 号",
            householdType: "rural",
            ssCardNumber: "B98765432",
            bankCardNumber: "6228480012345678903",
            bankName: "中国农业银行"
        )
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised == payload)
    }

    @Test func oneChangedFieldIsEnough() {
        let payload = PersonChange(citizenId: "110105199003071239", phone: "13912345678")
        #expect(payload.accuracyChecked(today: Self.today).issues.isEmpty)
    }

    @Test func inputIsNormalisedAndBlankFieldsBecomeAbsent() {
        let payload = PersonChange(
            citizenId: "11010519491231002x",
            name: " ",
            phone: "139 1234 5678",
            address: "",
            householdType: "\t",
            ssCardNumber: "b9",
            bankCardNumber: "6228-4800-1234-5678-903",
            bankName: " 中国农业银行 "
        )
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(
            normalised
                == PersonChange(
                    citizenId: "11010519491231002X",
                    phone: "13912345678",
                    ssCardNumber: "B9",
                    bankCardNumber: "6228480012345678903",
                    bankName: "中国农业银行"
                )
        )
    }

    @Test(arguments: [
        PersonChange(citizenId: "110105199003071239"),
        PersonChange(citizenId: "110105199003071239", name: "", phone: " ", address: "\u{3000}", bankName: ""),
    ])
    func aChangeOfNothingIsRefused(payload: PersonChange) {
        let issues = payload.accuracyChecked(today: Self.today).issues
        #expect(issues.summary == [" nothing_changed"])
        #expect(issues[0].field == "")
    }

    @Test(arguments: [
        (PersonChange(citizenId: "110105199003071234", phone: "13912345678"), ["citizenId citizen_id.check_character"]),
        (PersonChange(citizenId: "", phone: "13912345678"), ["citizenId required"]),
        (PersonChange(citizenId: "110105199003071239", name: "张三1"), ["name name.invalid"]),
        (PersonChange(citizenId: "110105199003071239", phone: "12345"), ["phone mobile.invalid"]),
        (
            PersonChange(citizenId: "110105199003071239", address: String(repeating: "a", count: 301)),
            ["address too_long"]
        ),
        (PersonChange(citizenId: "110105199003071239", householdType: "Urban"), ["householdType not_allowed"]),
        (PersonChange(citizenId: "110105199003071239", ssCardNumber: "中文"), ["ssCardNumber ss_card.invalid"]),
        (
            PersonChange(citizenId: "110105199003071239", bankCardNumber: "6228480012345678900"),
            ["bankCardNumber bank_card.check_digit"]
        ),
        (
            PersonChange(citizenId: "110105199003071239", bankName: String(repeating: "b", count: 101)),
            ["bankName too_long"]
        ),
        (PersonChange(citizenId: "1234"), ["citizenId citizen_id.length", " nothing_changed"]),
    ])
    func eachFaultIsReportedOnItsField(payload: PersonChange, expected: [String]) {
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == expected)
    }
}
