/// The `Date` field's format.
public enum HTTPDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT", computed without Foundation.
    /// - Parameter secondsSince1970: seconds since 1970-01-01T00:00:00Z, ignoring leap seconds.
    /// - Returns: the date in GMT.
    public static func format(secondsSince1970: Int) -> String {
        let (days, secondOfDay) = self.floorDivision(secondsSince1970, 86_400)
        let weekday = self.floorDivision(days, 7).remainder
        let (year, month, day) = self.civilDate(daysSince1970: days)
        var text = ""
        text.reserveCapacity(29)
        text += self.weekdays[weekday]
        text += ", "
        text += self.padded(day, 2)
        text += " "
        text += self.months[month - 1]
        text += " "
        text += self.padded(year, 4)
        text += " "
        text += self.padded(secondOfDay / 3600, 2)
        text += ":"
        text += self.padded(secondOfDay / 60 % 60, 2)
        text += ":"
        text += self.padded(secondOfDay % 60, 2)
        text += " GMT"
        return text
    }

    /// The proleptic Gregorian date of a day number (Howard Hinnant's `civil_from_days`): eras of
    /// 400 years, each starting on March 1 so that the leap day ends the year.
    private static func civilDate(daysSince1970: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = daysSince1970 + 719_468
        let era = self.floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivision(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
