import Domain
import Testing

struct BaseDeclarationAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    static let valid = BaseDeclaration(
        employerId: 9,
        year: 2025,
        lines: [
            BaseDeclaration.Line(citizenId: "110105199003071239", declaredWageFen: 1_200_000),
            BaseDeclaration.Line(citizenId: "440305198511150040", declaredWageFen: 300_000),
            BaseDeclaration.Line(citizenId: "310104200012315676", declaredWageFen: 3_000_000),
        ]
    )

    @Test func aValidDeclarationHasNoIssuesAndStaysAsItIs() {
        let (normalised, issues) = Self.valid.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised == Self.valid)
    }

    @Test func lineIDsAreNormalised() {
        var payload = Self.valid
        payload.lines[0].citizenId = " 110105491231002"
        payload.lines[1].citizenId = "11010519491231002x"
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        // The two spellings are one person once normalised: the second line repeats the first.
        #expect(
            issues.summary == [
                "lines[0].citizenId citizen_id.converted (warning)", "lines[1].citizenId citizen_id.repeated",
            ]
        )
        #expect(
            normalised.lines.map(\.citizenId) == ["11010519491231002X", "11010519491231002X", "310104200012315676"]
        )
    }

    @Test(arguments: [1990, 2999])
    func theYearsBoundsAreAccepted(year: Int) {
        var payload = Self.valid
        payload.year = year
        #expect(payload.accuracyChecked(today: Self.today).issues.isEmpty)
    }

    @Test(arguments: [1989, 3000, 0, 25])
    func otherYearsAreOutOfRange(year: Int) {
        var payload = Self.valid
        payload.year = year
        let issues = payload.accuracyChecked(today: Self.today).issues
        #expect(
            issues == [ValidationIssue(field: "year", code: .outOfRange, arguments: ["min": "1990", "max": "2999"])]
        )
    }

    @Test func aDeclarationWithoutLinesIsRefused() {
        let payload = BaseDeclaration(employerId: 9, year: 2025, lines: [])
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == ["lines required"])
    }

    @Test func faultsNameTheirLine() {
        var payload = Self.valid
        payload.lines[1].citizenId = "44030519851115004X"
        payload.lines[2].declaredWageFen = -5
        payload.lines.append(BaseDeclaration.Line(citizenId: "", declaredWageFen: 100_000_001))
        let issues = payload.accuracyChecked(today: Self.today).issues
        #expect(
            issues.summary == [
                "lines[1].citizenId citizen_id.check_character", "lines[2].declaredWageFen amount_out_of_range",
                "lines[3].citizenId required", "lines[3].declaredWageFen amount_out_of_range",
            ]
        )
        #expect(issues[1].arguments == ["max": "1000000.00"])
    }
}
