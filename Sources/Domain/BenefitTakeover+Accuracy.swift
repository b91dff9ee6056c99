extension BenefitTakeover: AccuracyChecked {
    /// The largest plausible monthly benefit: 50,000 yuan. The highest pensions paid are some
    /// 20,000 yuan a month; a figure beyond this one is a typing error (fen entered as yuan ×
    /// 100, a digit too many), not a benefit.
    public static let maximumMonthlyAmountFen: Int64 = 5_000_000

    /// The checks of a takeover: the citizen ID, a recurring kind, a monthly amount above zero
    /// and within ``maximumMonthlyAmountFen``, the start period and an end period not before it,
    /// a bank's code (upper-cased; that the bank exists is the compliance stage's), a bank card
    /// with its check digit, and a short previous reference.
    public func accuracyChecked(today: CalendarDate) -> (normalised: BenefitTakeover, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        (normalised.citizenId, _) = check.citizenID(self.citizenId, "citizenId")
        normalised.kind = check.requiredOneOf(self.kind, BenefitKind.recurring.map(\.rawValue), "kind")
        if !(1...Self.maximumMonthlyAmountFen).contains(self.monthlyAmountFen) {
            check.add(
                "monthlyAmountFen",
                .benefitAmountOutOfRange,
                ["min": Money.yuan(1), "max": Money.yuan(Self.maximumMonthlyAmountFen)]
            )
        }
        let start = check.startPeriod(self.startPeriod, "startPeriod")
        if let endPeriod = self.endPeriod, let end = check.period(endPeriod, "endPeriod"), let start, end < start {
            check.add("endPeriod", .benefitEndBeforeStart, ["start": start.description])
        }
        normalised.bankCode = check.required(self.bankCode, "bankCode").asciiUppercased()
        let card = check.required(self.bankCardNumber, "bankCardNumber")
        normalised.bankCardNumber = check.bankCard(card, "bankCardNumber") ?? card
        normalised.previousReference = check.text(
            self.previousReference,
            "previousReference",
            maximumLength: Self.maximumReferenceLength
        )
        return (normalised, check.issues)
    }
}
