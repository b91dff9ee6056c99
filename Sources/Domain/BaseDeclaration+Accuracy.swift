extension BaseDeclaration: AccuracyChecked {
    /// The years a declaration may be for (the `base_declaration.year` column's check).
    public static let years: ClosedRange<Int> = 1990...2999

    /// The checks of a base declaration: the year, at least one line, and each line's citizen
    /// ID and declared wage.
    public func accuracyChecked(today: CalendarDate) -> (normalised: BaseDeclaration, issues: [ValidationIssue]) {
        var check = AccuracyCheck(today: today)
        var normalised = self
        check.range(self.year, Self.years, "year")
        if self.lines.isEmpty { check.add("lines", .required) }
        var firstLine: [String: Int] = [:]
        normalised.lines = self.lines.enumerated().map { index, line in
            var line = line
            (line.citizenId, _) = check.citizenID(line.citizenId, "lines[\(index)].citizenId")
            check.wage(line.declaredWageFen, "lines[\(index)].declaredWageFen")
            // One base per person and year: a second line for the same person is a mistake.
            if let first = firstLine[line.citizenId] {
                check.add("lines[\(index)].citizenId", .citizenIDRepeated, ["line": "\(first + 1)"])
            } else {
                firstLine[line.citizenId] = index
            }
            return line
        }
        return (normalised, check.issues)
    }
}
