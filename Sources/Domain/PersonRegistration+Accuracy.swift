extension PersonRegistration: AccuracyChecked {
    /// The checks of a person registration: the name, the citizen ID with the gender and birth
    /// date beside it, the household type, the contact and payment details, and the first
    /// enrolments (with the start not before birth and the working age of employee schemes).
    public func accuracyChecked(today: CalendarDate) -> (normalised: PersonRegistration, issues: [ValidationIssue]) {
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
        normalised.phone = check.mobile(self.phone, "phone")
        normalised.address = check.text(self.address, "address", maximumLength: AccuracyCheck.maximumAddressLength)
        normalised.householdType =
            check.requiredOneOf(self.householdType, AccuracyCheck.householdTypes, "householdType")
        normalised.ssCardNumber = check.socialSecurityCard(self.ssCardNumber, "ssCardNumber")
        normalised.bankCardNumber = check.bankCard(self.bankCardNumber, "bankCardNumber")
        normalised.bankName = check.text(self.bankName, "bankName", maximumLength: AccuracyCheck.maximumBankNameLength)
        normalised.enrolments = self.enrolments.map {
            check.enrolmentLines($0, "enrolments", birthDate: parsed?.birthDate)
        }
        return (normalised, check.issues)
    }
}
