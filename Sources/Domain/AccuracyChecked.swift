/// A payload with the accuracy checks of the first stage of "check and confirm": formats, check
/// characters, ranges and dates, from the payload alone (DESIGN §5). What needs the database
/// (duplicates, policies, eligibility) is the compliance stage's.
public protocol AccuracyChecked {
    /// The payload normalised, and the issues its accuracy checks found.
    ///
    /// Normalising trims strings, makes blank optional strings nil, writes identifiers in upper
    /// case, converts a legacy 15-digit citizen ID, keeps only the digits of a bank card and
    /// fills a gender or birth date that is absent from the citizen ID. Fields that fail their
    /// checks keep their trimmed input. The issues name fields by their JSON keys
    /// (`citizenId`, `enrolments[0].schemeCode`).
    ///
    /// - Parameter today: The date in the office's zone, for birth dates and periods.
    /// - Returns: The normalised payload, and the issues in field order.
    func accuracyChecked(today: CalendarDate) -> (normalised: Self, issues: [ValidationIssue])
}
