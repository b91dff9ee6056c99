extension Enrolment: AccuracyChecked {
    /// The checks of an enrolment: the citizen ID and at least one enrolment line, each with a
    /// known scheme, a start period and the employer and wage an employee scheme needs.
    public func accuracyChecked(today: CalendarDate) -> (normalised: Enrolment, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        (normalised.citizenId, _) = check.citizenID(self.citizenId, "citizenId")
        if self.enrolments.isEmpty { check.add("enrolments", .required) }
        // The person is registered: their age against the start is the compliance stage's, from
        // the record.
        normalised.enrolments = check.enrolmentLines(self.enrolments, "enrolments", birthDate: nil)
        return (normalised, check.issues)
    }
}
