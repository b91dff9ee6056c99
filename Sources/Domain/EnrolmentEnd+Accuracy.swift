extension EnrolmentEnd: AccuracyChecked {
    /// The reasons an enrolment may end for.
    public static let reasons = ["left_employer", "retired", "deceased", "emigrated", "transferred", "other"]

    /// The checks of the end of an enrolment: the end period and the reason.
    public func accuracyChecked(today: CalendarDate) -> (normalised: EnrolmentEnd, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        _ = check.period(self.endPeriod, "endPeriod")
        normalised.reason = check.requiredOneOf(self.reason, Self.reasons, "reason")
        return (normalised, check.issues)
    }
}
