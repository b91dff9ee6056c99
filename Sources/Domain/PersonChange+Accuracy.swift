extension PersonChange: AccuracyChecked {
    /// The checks of an information change: the citizen ID, each new value given, and at least
    /// one of them (``IssueCode/nothingChanged``, about no one field).
    public func accuracyChecked(today: CalendarDate) -> (normalised: PersonChange, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        (normalised.citizenId, _) = check.citizenID(self.citizenId, "citizenId")
        normalised.name = self.name.trimmedOrNil().map { check.name($0, "name") }
        normalised.phone = check.mobile(self.phone, "phone")
        normalised.address = check.text(self.address, "address", maximumLength: AccuracyCheck.maximumAddressLength)
        normalised.householdType = check.householdType(self.householdType, "householdType")
        normalised.ssCardNumber = check.socialSecurityCard(self.ssCardNumber, "ssCardNumber")
        normalised.bankCardNumber = check.bankCard(self.bankCardNumber, "bankCardNumber")
        normalised.bankName = check.text(self.bankName, "bankName", maximumLength: AccuracyCheck.maximumBankNameLength)
        let changes: [String?] = [
            normalised.name, normalised.phone, normalised.address, normalised.householdType,
            normalised.ssCardNumber, normalised.bankCardNumber, normalised.bankName,
        ]
        if changes.allSatisfy({ $0 == nil }) { check.add("", .nothingChanged) }
        return (normalised, check.issues)
    }
}
