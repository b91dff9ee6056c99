extension EmployerRegistration: AccuracyChecked {
    /// The most characters of an employer's name (the `employer.name` column's check).
    public static let maximumNameLength = 200

    /// The checks of an employer registration: the credit code, the name, the industry code,
    /// the work-injury risk class 1–8, the address and the contact telephone.
    public func accuracyChecked(today: CalendarDate) -> (normalised: EmployerRegistration, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        normalised.creditCode =
            check.collect(CreditCode.validate(self.creditCode, field: "creditCode"))
            ?? self.creditCode.trimmingWhitespace().asciiUppercased()
        normalised.name = check.requiredText(self.name, "name", maximumLength: Self.maximumNameLength)
        normalised.industryCode = check.required(self.industryCode, "industryCode").asciiUppercased()
        if !normalised.industryCode.isEmpty && !IndustryCode.isValid(normalised.industryCode) {
            check.add("industryCode", .industryCodeInvalid)
        }
        check.range(self.riskClass, 1...8, "riskClass")
        normalised.address = check.text(self.address, "address", maximumLength: AccuracyCheck.maximumAddressLength)
        normalised.contactPhone = check.phone(self.contactPhone, "contactPhone")
        return (normalised, check.issues)
    }
}
