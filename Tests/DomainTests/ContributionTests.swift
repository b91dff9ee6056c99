import Domain
import Testing

struct ContributionTests {
    // domain-rules §6.3: average 7,500 yuan, floor 4,500, ceiling 22,500.
    static func rates(_ scheme: String, employer: Int, personal: Int, byRiskClass: [Int]? = nil) -> ContributionRates {
        ContributionRates(
            schemeCode: scheme,
            employerRatePPM: employer,
            personalRatePPM: personal,
            employerRatePPMByRiskClass: byRiskClass,
            baseFloorFen: 450_000,
            baseCeilingFen: 2_250_000,
            averageWageFen: 750_000
        )
    }

    static let pension = Self.rates("110", employer: 160_000, personal: 80_000)
    static let medical = Self.rates("310", employer: 80_000, personal: 20_000)
    static let unemployment = Self.rates("210", employer: 5_000, personal: 5_000)
    static let injury = Self.rates(
        "410",
        employer: 2_000,
        personal: 0,
        byRiskClass: [2_000, 4_000, 7_000, 9_000, 11_000, 13_000, 16_000, 19_000]
    )

    struct Row: Sendable, CustomTestStringConvertible {
        var declaredYuan: String
        var baseYuan: String
        var clamp: ContributionAmounts.Clamp?
        var pension: (String, String)
        var medical: (String, String)
        var unemployment: (String, String)
        var injury: String
        var testDescription: String { "declared \(self.declaredYuan)" }
    }

    static let table: [Row] = [
        Row(
            declaredYuan: "3000",
            baseYuan: "4500.00",
            clamp: .floor,
            pension: ("720.00", "360.00"),
            medical: ("360.00", "90.00"),
            unemployment: ("22.50", "22.50"),
            injury: "9.00"
        ),
        Row(
            declaredYuan: "12000",
            baseYuan: "12000.00",
            clamp: nil,
            pension: ("1920.00", "960.00"),
            medical: ("960.00", "240.00"),
            unemployment: ("60.00", "60.00"),
            injury: "24.00"
        ),
        Row(
            declaredYuan: "30000",
            baseYuan: "22500.00",
            clamp: .ceiling,
            pension: ("3600.00", "1800.00"),
            medical: ("1800.00", "450.00"),
            unemployment: ("112.50", "112.50"),
            injury: "45.00"
        ),
    ]

    @Test(arguments: Self.table)
    func theWorkedTableComesOutToTheFen(row: Row) throws {
        let declared = try #require(Money.parseYuan(row.declaredYuan))
        func line(_ rates: ContributionRates, riskClass: Int? = nil) -> ContributionAmounts {
            Contribution.compute(declaredWageFen: declared, rates: rates, riskClass: riskClass)
        }
        for rates in [Self.pension, Self.medical, Self.unemployment, Self.injury] {
            let amounts = line(rates, riskClass: 1)
            #expect(Money.yuan(amounts.baseFen) == row.baseYuan)
            #expect(amounts.clamp == row.clamp)
            #expect(amounts.declaredWageFen == declared)
            #expect(amounts.schemeCode == rates.schemeCode)
        }
        let pension = line(Self.pension)
        #expect((Money.yuan(pension.employerFen), Money.yuan(pension.personalFen)) == row.pension)
        let medical = line(Self.medical)
        #expect((Money.yuan(medical.employerFen), Money.yuan(medical.personalFen)) == row.medical)
        let unemployment = line(Self.unemployment)
        #expect((Money.yuan(unemployment.employerFen), Money.yuan(unemployment.personalFen)) == row.unemployment)
        let injury = line(Self.injury, riskClass: 1)
        #expect(Money.yuan(injury.employerFen) == row.injury)
        #expect(injury.personalFen == 0)
        #expect(injury.employerRatePPM == 2_000)
    }

    @Test func theTwelveThousandLineInFen() {
        let pension = Contribution.compute(declaredWageFen: 1_200_000, rates: Self.pension, riskClass: nil)
        #expect(
            pension
                == ContributionAmounts(
                    schemeCode: "110",
                    declaredWageFen: 1_200_000,
                    baseFen: 1_200_000,
                    clamp: nil,
                    employerRatePPM: 160_000,
                    personalRatePPM: 80_000,
                    employerFen: 192_000,
                    personalFen: 96_000
                )
        )
        #expect(pension.totalFen == 288_000)
    }

    @Test(arguments: [
        (1, 2_000), (2, 4_000), (3, 7_000), (4, 9_000), (5, 11_000), (6, 13_000), (7, 16_000), (8, 19_000),
    ])
    func theInjuryRateIsTheRiskClasss(riskClass: Int, ratePPM: Int) {
        let amounts = Contribution.compute(declaredWageFen: 1_200_000, rates: Self.injury, riskClass: riskClass)
        #expect(amounts.employerRatePPM == ratePPM)
        #expect(amounts.employerFen == Money.amount(baseFen: 1_200_000, ratePPM: ratePPM))
    }

    @Test(arguments: [nil, 0, 9, -1] as [Int?])
    func withoutAClassOneToEightTheFlatRateApplies(riskClass: Int?) {
        let amounts = Contribution.compute(declaredWageFen: 1_200_000, rates: Self.injury, riskClass: riskClass)
        #expect(amounts.employerRatePPM == 2_000)
    }

    @Test func aClassWithoutAnEntryOrRatesWithoutClassesUseTheFlatRate() {
        var short = Self.injury
        short.employerRatePPMByRiskClass = [3_000, 5_000]
        short.employerRatePPM = 2_500
        #expect(short.employerRatePPM(riskClass: 2) == 5_000)
        #expect(short.employerRatePPM(riskClass: 3) == 2_500)
        #expect(Self.pension.employerRatePPM(riskClass: 8) == 160_000)
    }

    @Test func eachLineIsRoundedHalfUpToTheFen() {
        var rates = Self.unemployment
        rates.baseFloorFen = 0
        let amounts = Contribution.compute(declaredWageFen: 333_333, rates: rates, riskClass: nil)
        // 3,333.33 × 0.5% = 16.66665 yuan.
        #expect(amounts.employerFen == 1_667)
        #expect(amounts.personalFen == 1_667)
    }

    @Test(arguments: [
        (Int64(449_999), Int64(450_000), ContributionAmounts.Clamp?.some(.floor)), (450_000, 450_000, nil),
        (2_250_000, 2_250_000, nil), (2_250_001, 2_250_000, .ceiling), (0, 450_000, .floor),
    ])
    func theBoundsThemselvesAreNotClamped(declared: Int64, base: Int64, clamp: ContributionAmounts.Clamp?) {
        let amounts = Contribution.compute(declaredWageFen: declared, rates: Self.pension, riskClass: nil)
        #expect(amounts.baseFen == base)
        #expect(amounts.clamp == clamp)
    }

    @Test func aBaseBelowTheFloorWarnsWithTheFiguresInYuan() {
        let amounts = Contribution.compute(declaredWageFen: 300_000, rates: Self.pension, riskClass: nil)
        let issues = Contribution.baseIssues(amounts, rates: Self.pension, field: "lines[0].declaredWageFen")
        #expect(
            issues == [
                ValidationIssue(
                    field: "lines[0].declaredWageFen",
                    code: .baseBelowFloor,
                    severity: .warning,
                    arguments: ["declared": "3000.00", "floor": "4500.00", "ceiling": "22500.00"]
                )
            ]
        )
        #expect(
            issues[0].message(.zh) == "申报工资 3000.00 元低于缴费基数下限 4500.00 元（本地区基数范围 4500.00–22500.00 元），按下限 4500.00 元核定"
        )
    }

    @Test func aBaseAboveTheCeilingWarnsWithTheFiguresInYuan() {
        let amounts = Contribution.compute(declaredWageFen: 3_000_000, rates: Self.pension, riskClass: nil)
        let issues = Contribution.baseIssues(amounts, rates: Self.pension, field: "declaredWageFen")
        #expect(
            issues == [
                ValidationIssue(
                    field: "declaredWageFen",
                    code: .baseAboveCeiling,
                    severity: .warning,
                    arguments: ["declared": "30000.00", "floor": "4500.00", "ceiling": "22500.00"]
                )
            ]
        )
    }

    @Test func aBaseWithinTheBoundsHasNoIssue() {
        let amounts = Contribution.compute(declaredWageFen: 1_200_000, rates: Self.pension, riskClass: nil)
        #expect(Contribution.baseIssues(amounts, rates: Self.pension, field: "declaredWageFen").isEmpty)
    }
}
