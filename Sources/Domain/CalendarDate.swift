/// A day of the proleptic Gregorian calendar, without a time or a time zone: a birth date, an
/// effective date. Encodes as the string `YYYY-MM-DD`.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 1–9999.
    public let year: Int
    /// 1–12.
    public let month: Int
    /// 1–31, within the month's days.
    public let day: Int

    /// The years a date may have, so that ``iso`` is always four digits.
    public static let years: ClosedRange<Int> = 1...9999

    /// The date, or nil if there is no such day (`2023-02-29`, month 13) or the year is outside
    /// 1–9999.
    public init?(year: Int, month: Int, day: Int) {
        guard Self.years.contains(year), (1...12).contains(month),
            (1...Self.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date written exactly as `YYYY-MM-DD` (ASCII digits, zero-padded), or nil.
    public init?(iso: String) {
        let bytes = Array(iso.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.decimal(bytes[0..<4]), let month = Self.decimal(bytes[5..<7]),
            let day = Self.decimal(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date in the zone `utcOffsetSeconds` east of UTC at an instant given as seconds since
    /// 1970-01-01T00:00:00Z.
    ///
    /// - Parameters:
    ///   - secondsSinceEpoch: The instant, in whole seconds since the Unix epoch.
    ///   - utcOffsetSeconds: The zone's offset from UTC; China Standard Time (UTC+8) by default.
    public init(secondsSinceEpoch: Int64, utcOffsetSeconds: Int = 8 * 3600) {
        let local = secondsSinceEpoch + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        self.init(daysSinceEpoch: Int(days))
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    init(daysSinceEpoch days: Int) {
        let (year, month, day) = Self.civil(fromDays: days)
        precondition(Self.years.contains(year), "date out of the years 1–9999")
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        String(zeroPadded: self.year, width: 4) + "-" + String(zeroPadded: self.month, width: 2) + "-"
            + String(zeroPadded: self.day, width: 2)
    }

    public var description: String { self.iso }

    /// The number of days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int { Self.days(fromCivil: self.year, self.month, self.day) }

    /// The date `days` days later (earlier when negative).
    ///
    /// - Precondition: the result is within the years 1–9999.
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: self.daysSinceEpoch + days)
    }

    /// The number of days from this date to `other`: positive when `other` is later.
    public func days(to other: CalendarDate) -> Int {
        other.daysSinceEpoch - self.daysSinceEpoch
    }

    /// The whole years completed between this date, as a birth date, and `date`; negative when
    /// `date` is before it.
    ///
    /// A 29 February birthday is completed on 1 March in a common year.
    public func age(on date: CalendarDate) -> Int {
        var years = date.year - self.year
        if (date.month, date.day) < (self.month, self.day) { years -= 1 }
        return years
    }

    /// The month the date is in. For dates outside the years a ``Period`` accepts (1900–2999) it
    /// is still a period that compares and counts months correctly.
    public var period: Period { Period(unchecked: self.year, self.month) }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days of a month, 28–31.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: Self.isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.iso)
    }

    // Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil and
    // civil_from_days: exact for the proleptic Gregorian calendar, eras of 400 years.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The value of ASCII digits, or nil if one is not a digit.
    static func decimal(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
