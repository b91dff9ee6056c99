extension TransferIn: AccuracyChecked {
    /// The checks of a transfer in: the start period.
    public func accuracyChecked(today: CalendarDate) -> (normalised: TransferIn, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        _ = check.startPeriod(self.startPeriod, "startPeriod")
        return (self, check.issues)
    }
}
