/// A month a contribution or payment belongs to (费款所属期), written `YYYYMM` and encoded as that
/// integer.
public struct Period: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// `YYYYMM`.
    public let value: Int

    /// The years a period given by a caller may have.
    public static let years: ClosedRange<Int> = 1900...2999

    /// The period `yyyymm`, or nil unless the year is 1900–2999 and the month 1–12.
    public init?(_ yyyymm: Int) {
        self.init(year: yyyymm / 100, month: yyyymm % 100)
    }

    /// The period of `month` in `year`, or nil unless the year is 1900–2999 and the month 1–12.
    public init?(year: Int, month: Int) {
        guard Self.years.contains(year), (1...12).contains(month) else { return nil }
        self.value = year * 100 + month
    }

    /// A period of any year of a ``CalendarDate`` (1–9999): what arithmetic and dates produce.
    init(unchecked year: Int, _ month: Int) {
        precondition(CalendarDate.years.contains(year) && (1...12).contains(month), "period out of the years 1–9999")
        self.value = year * 100 + month
    }

    /// The year: 1900–2999 for a period given by a caller.
    public var year: Int { self.value / 100 }

    /// 1–12.
    public var month: Int { self.value % 100 }

    /// `YYYYMM`.
    public var description: String {
        String(zeroPadded: self.year, width: 4) + String(zeroPadded: self.month, width: 2)
    }

    /// The months since January of year 0, for arithmetic.
    var monthIndex: Int { self.year * 12 + self.month - 1 }

    /// The period `months` months later (earlier when negative).
    ///
    /// - Precondition: the result is within the years 1–9999.
    public func advanced(byMonths months: Int) -> Period {
        let index = self.monthIndex + months
        return Period(unchecked: index / 12, index % 12 + 1)
    }

    /// The number of months from this period to `other`: positive when `other` is later, 0 for
    /// the same month.
    public func months(to other: Period) -> Int {
        other.monthIndex - self.monthIndex
    }

    /// The first day of the month.
    public var firstDay: CalendarDate { CalendarDate(daysSinceEpoch: self.firstDayNumber) }

    /// The last day of the month.
    public var lastDay: CalendarDate {
        CalendarDate(
            daysSinceEpoch: self.firstDayNumber + CalendarDate.daysInMonth(year: self.year, month: self.month) - 1
        )
    }

    private var firstDayNumber: Int { CalendarDate.days(fromCivil: self.year, self.month, 1) }

    public static func < (lhs: Period, rhs: Period) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let period = Period(try container.decode(Int.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a period YYYYMM")
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.value)
    }
}
