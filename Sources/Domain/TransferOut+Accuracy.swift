extension TransferOut: AccuracyChecked {
    /// The checks of a transfer out: the citizen ID, the receiving office's code (six digits of
    /// its region, or nine for a service point, as office codes are) and the last period.
    public func accuracyChecked(today: CalendarDate) -> (normalised: TransferOut, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        (normalised.citizenId, _) = check.citizenID(self.citizenId, "citizenId")
        normalised.toOfficeCode = check.required(self.toOfficeCode, "toOfficeCode")
        let code = normalised.toOfficeCode
        if !code.isEmpty && !(code.isASCIIDigits && [6, 9].contains(code.utf8.count) && !code.hasPrefix("0")) {
            check.add("toOfficeCode", .transferOfficeInvalid, ["office": code])
        }
        _ = check.period(self.lastPeriod, "lastPeriod")
        return (normalised, check.issues)
    }
}
