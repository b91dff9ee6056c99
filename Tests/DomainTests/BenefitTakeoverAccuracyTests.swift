import Domain
import Foundation
import Testing

struct BenefitTakeoverAccuracyTests {
    static let today = CalendarDate(year: 2026, month: 12, day: 4)!

    /// A pension of 3,500 yuan from January 2020, paid to a card with its check digit.
    static func takeover(
        kind: String = "basic_pension",
        amount: Int64 = 350_000,
        start: Int = 202_001,
        end: Int? = nil,
        bank: String = "ICBC",
        card: String = "6222021234567894",
        reference: String? = "JS-2019-0001"
    ) -> BenefitTakeover {
        BenefitTakeover(
            citizenId: "110105199003071239",
            kind: kind,
            monthlyAmountFen: amount,
            startPeriod: start,
            endPeriod: end,
            bankCode: bank,
            bankCardNumber: card,
            previousReference: reference
        )
    }

    @Test func aValidTakeoverHasNoIssuesAndIsNormalised() {
        let payload = Self.takeover(end: 203_012, bank: " boc ", card: "6222 0212-3456 7894", reference: "  ")
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised.bankCode == "BOC")
        #expect(normalised.bankCardNumber == "6222021234567894")
        #expect(normalised.previousReference == nil, "a blank reference is none")
    }

    @Test(arguments: BenefitKind.recurring)
    func everyRecurringKindIsTaken(kind: BenefitKind) {
        #expect(Self.takeover(kind: kind.rawValue).accuracyChecked(today: Self.today).issues.isEmpty)
    }

    @Test(arguments: [
        (Self.takeover(kind: "medical_reimbursement"), ["kind not_allowed"]),
        (Self.takeover(kind: ""), ["kind required"]),
        (Self.takeover(amount: 0), ["monthlyAmountFen benefit.amount_out_of_range"]),
        (Self.takeover(amount: -100), ["monthlyAmountFen benefit.amount_out_of_range"]),
        (
            Self.takeover(amount: BenefitTakeover.maximumMonthlyAmountFen + 1),
            ["monthlyAmountFen benefit.amount_out_of_range"]
        ),
        (Self.takeover(start: 202_013), ["startPeriod invalid_period"]),
        (Self.takeover(start: 202_801), ["startPeriod period.far_ahead (warning)"]),
        (Self.takeover(end: 201_912), ["endPeriod benefit.end_before_start"]),
        (Self.takeover(end: 201_900), ["endPeriod invalid_period"]),
        (Self.takeover(bank: " "), ["bankCode required"]),
        (Self.takeover(card: ""), ["bankCardNumber required"]),
        (Self.takeover(card: "6222021234567891"), ["bankCardNumber bank_card.check_digit"]),
        (Self.takeover(card: "62220212345"), ["bankCardNumber bank_card.length"]),
        (Self.takeover(reference: String(repeating: "x", count: 65)), ["previousReference too_long"]),
    ])
    func eachFaultIsReportedOnItsField(payload: BenefitTakeover, expected: [String]) {
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == expected)
    }

    @Test func theAmountsBoundsAreNamedInYuan() {
        let issue = Self.takeover(amount: 0).accuracyChecked(today: Self.today).issues.first
        #expect(issue?.arguments == ["min": "0.01", "max": "50000.00"])
        #expect(
            IssueMessages.text(.benefitAmountOutOfRange, issue?.arguments ?? [:], .zh)
                == "月待遇金额超出范围，应在 0.01 至 50000.00 元之间"
        )
    }

    @Test func aPersonNamedByRecordLeavesTheCitizenIDToTheChecks() throws {
        let json =
            #"{"personId":7,"kind":"survivor_pension","monthlyAmountFen":120000,"startPeriod":202401,"bankCode":"CCB","bankCardNumber":"6217001234567890122"}"#
        let payload = try JSONDecoder().decode(BenefitTakeover.self, from: Data(json.utf8))
        #expect(payload.citizenId.isEmpty && payload.personId == 7 && payload.endPeriod == nil)
        #expect(payload.previousReference == nil)
    }
}
