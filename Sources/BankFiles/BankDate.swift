/// A day as the bank files write it: a value date, an answer date. Proleptic Gregorian, no time
/// and no zone.
///
/// The initialiser takes any numbers; ``isValid`` says whether they name a real day, and the
/// writers refuse a date that does not.
public struct BankDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1–9999 for a valid date.
    public var year: Int
    /// 1–12 for a valid date.
    public var month: Int
    /// 1 to the month's last day for a valid date.
    public var day: Int

    /// The date of these numbers, checked or not: see ``isValid``.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date written as eight ASCII digits `YYYYMMDD` (`"20261215"`), or nil for anything
    /// else or a day that does not exist.
    public init?(yyyymmdd: String) {
        let bytes = Array(yyyymmdd.utf8)
        guard bytes.count == 8, let date = Self(digits: bytes[...]) else { return nil }
        self = date
    }

    /// The date written exactly as `YYYY-MM-DD`, or nil for anything else or a day that does
    /// not exist.
    init?(iso: some StringProtocol) {
        let bytes = Array(iso.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        guard let date = Self(digits: bytes[0..<4] + bytes[5..<7] + bytes[8..<10]) else { return nil }
        self = date
    }

    /// The date of eight ASCII digits `YYYYMMDD`, or nil.
    init?(digits: some Collection<UInt8>) {
        guard digits.count == 8, let year = ASCII.decimal(digits.prefix(4)),
            let month = ASCII.decimal(digits.dropFirst(4).prefix(2)), let day = ASCII.decimal(digits.suffix(2))
        else { return nil }
        self.init(year: Int(year), month: Int(month), day: Int(day))
        guard self.isValid else { return nil }
    }

    /// Whether the numbers name a real day of the years 1–9999.
    public var isValid: Bool {
        (1...9999).contains(self.year) && (1...12).contains(self.month)
            && (1...Self.daysInMonth(year: self.year, month: self.month)).contains(self.day)
    }

    /// `YYYYMMDD`, zero-padded: `"20261215"`.
    public var yyyymmdd: String {
        ASCII.zeroPadded(self.year, width: 4) + ASCII.zeroPadded(self.month, width: 2)
            + ASCII.zeroPadded(self.day, width: 2)
    }

    /// `YYYY-MM-DD`, zero-padded: `"2026-12-15"`.
    public var iso: String {
        ASCII.zeroPadded(self.year, width: 4) + "-" + ASCII.zeroPadded(self.month, width: 2) + "-"
            + ASCII.zeroPadded(self.day, width: 2)
    }

    public var description: String { self.iso }

    public static func < (lhs: BankDate, rhs: BankDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The number of days of a month, 28–31.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
