import Foundation

/// A calendar date without a time or zone: PostgreSQL's `date` (a birth date, a period start).
public struct PostgresDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A date from its parts; the parts are not range-checked here (the server checks them).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(self.year)
        let m = self.month < 10 ? "0\(self.month)" : "\(self.month)"
        let d = self.day < 10 ? "0\(self.day)" : "\(self.day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    public static func < (lhs: PostgresDate, rhs: PostgresDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days since 1970-01-01 (proleptic Gregorian), per Howard Hinnant's `days_from_civil`.
    var daysSinceEpoch: Int {
        let y = self.month <= 2 ? self.year - 1 : self.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (self.month + 9) % 12
        let doy = (153 * mp + 2) / 5 + self.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, per Howard Hinnant's `civil_from_days`.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }
}

extension PostgresDate: PostgresEncodable {
    public var postgresTypeOID: UInt32 { PostgresTypeOID.date }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: self.description.utf8)
    }
}

/// Text forms of `timestamptz`, without Foundation's formatters (which are slow and
/// locale-bound).
enum PostgresTimestamp {
    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, rounded to the microsecond.
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let date = PostgresDate(daysSinceEpoch: Int(days))
        let hour = secondOfDay / 3600
        let minute = secondOfDay / 60 % 60
        let second = secondOfDay % 60
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fractionText = String(fraction)
        let padded = String(repeating: "0", count: 6 - fractionText.count) + fractionText
        return "\(date) \(two(hour)):\(two(minute)):\(two(second)).\(padded)+00"
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.f…][+HH[:MM[:SS]]]` (ISO DateStyle). A missing offset means UTC
    /// (a `timestamp without time zone`).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Date? {
        var scanner = ASCIIScanner(bytes)
        guard let year = scanner.number(digits: 4...7), scanner.expect("-"),
            let month = scanner.number(digits: 2...2), scanner.expect("-"),
            let day = scanner.number(digits: 2...2), scanner.expect(" ") || scanner.expect("T"),
            let hour = scanner.number(digits: 2...2), scanner.expect(":"),
            let minute = scanner.number(digits: 2...2), scanner.expect(":"),
            let second = scanner.number(digits: 2...2)
        else {
            return nil
        }
        var micros = 0
        if scanner.expect(".") {
            var scale = 100_000
            var count = 0
            while let digit = scanner.digit() {
                micros += digit * scale
                scale /= 10
                count += 1
            }
            guard count > 0 else { return nil }
        }
        var offsetSeconds = 0
        if let sign = scanner.sign() {
            guard let offsetHours = scanner.number(digits: 2...2) else { return nil }
            var offset = offsetHours * 3600
            if scanner.expect(":") {
                guard let offsetMinutes = scanner.number(digits: 2...2) else { return nil }
                offset += offsetMinutes * 60
                if scanner.expect(":") {
                    guard let offsetSecs = scanner.number(digits: 2...2) else { return nil }
                    offset += offsetSecs
                }
            }
            offsetSeconds = sign * offset
        }
        guard scanner.isAtEnd, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else {
            return nil
        }
        let days = PostgresDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    /// Parses `YYYY-MM-DD`.
    static func parseDate(_ bytes: UnsafeRawBufferPointer) -> PostgresDate? {
        var scanner = ASCIIScanner(bytes)
        guard let year = scanner.number(digits: 4...7), scanner.expect("-"),
            let month = scanner.number(digits: 2...2), scanner.expect("-"),
            let day = scanner.number(digits: 2...2), scanner.isAtEnd,
            (1...12).contains(month), (1...31).contains(day)
        else {
            return nil
        }
        return PostgresDate(year: year, month: month, day: day)
    }
}

/// A cursor over ASCII bytes for the small text grammars of PostgreSQL's output functions.
struct ASCIIScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { self.index == self.bytes.count }

    mutating func expect(_ character: Unicode.Scalar) -> Bool {
        guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: character) else {
            return false
        }
        self.index += 1
        return true
    }

    mutating func digit() -> Int? {
        guard self.index < self.bytes.count else { return nil }
        let byte = self.bytes[self.index]
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        self.index += 1
        return Int(byte - UInt8(ascii: "0"))
    }

    mutating func number(digits range: ClosedRange<Int>) -> Int? {
        var value = 0
        var count = 0
        while count < range.upperBound, let digit = self.digit() {
            value = value * 10 + digit
            count += 1
        }
        return range.contains(count) ? value : nil
    }

    mutating func sign() -> Int? {
        if self.expect("+") { return 1 }
        if self.expect("-") { return -1 }
        return nil
    }
}
