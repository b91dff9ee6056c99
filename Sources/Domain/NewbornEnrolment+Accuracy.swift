extension NewbornEnrolment: AccuracyChecked {
    /// The oldest a child enrolled as a newborn may be, in days.
    public static let maximumAgeDays = 365

    /// The checks of a newborn enrolment: the child's name and citizen ID with the gender and
    /// birth date beside it, born at most a year ago (``IssueCode/newbornTooOld``), the household
    /// type, the guardian's citizen ID and mobile. Whether the enrolment is within the region's
    /// window after birth is the compliance stage's.
    public func accuracyChecked(today: CalendarDate) -> (normalised: NewbornEnrolment, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        normalised.name = check.name(self.name, "name")
        let (citizenId, parsed) = check.citizenID(self.citizenId, "citizenId")
        normalised.citizenId = citizenId
        (normalised.gender, normalised.birthDate) = check.genderAndBirthDate(
            gender: self.gender,
            birthDate: self.birthDate,
            of: parsed
        )
        if let parsed {
            let days = parsed.birthDate.days(to: today)
            if days > Self.maximumAgeDays { check.add("birthDate", .newbornTooOld, ["days": String(days)]) }
        }
        normalised.householdType =
            check.requiredOneOf(self.householdType, AccuracyCheck.householdTypes, "householdType")
        (normalised.guardianCitizenId, _) = check.citizenID(self.guardianCitizenId, "guardianCitizenId")
        normalised.guardianPhone = check.mobile(self.guardianPhone, "guardianPhone")
        return (normalised, check.issues)
    }
}
