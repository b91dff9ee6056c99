/// The `Retry-After` field (RFC 9110 §10.2.3): how long a server asks a client to wait.
enum RetryAfter {
    /// The longest wait taken from a server: a day. Beyond it a value is taken as a day.
    static let maximumSeconds: Int64 = 86_400

    /// The wait a field value asks for.
    /// - Parameters:
    ///   - value: delay-seconds (`1*DIGIT`) or an HTTP-date in the IMF-fixdate form.
    ///   - now: the current time in Unix seconds, for a date.
    /// - Returns: the wait, zero for a date already past, at most a day; nil for a value that
    ///   is neither. The obsolete RFC 850 and asctime date forms are not read, so they count as
    ///   absent: the back-off policy decides then.
    static func delay(_ value: String, now: Int64) -> Duration? {
        let bytes = Array(value.trimmingOptionalWhitespace().utf8)
        if !bytes.isEmpty, bytes.allSatisfy(Self.isDigit) {
            // A long run of digits is a very long wait, not an overflow.
            let seconds = bytes.count > 10 ? Self.maximumSeconds : Self.number(bytes[...]) ?? Self.maximumSeconds
            return .seconds(min(seconds, Self.maximumSeconds))
        }
        guard let date = Self.imfFixdate(bytes) else { return nil }
        return .seconds(min(max(date - now, 0), Self.maximumSeconds))
    }

    // IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT, e.g.
    // "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7): always 29 characters.
    private static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// An IMF-fixdate in Unix seconds, or nil.
    private static func imfFixdate(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count == 29 else { return nil }
        let text = { (range: Range<Int>) in String(decoding: bytes[range], as: UTF8.self) }
        guard Self.dayNames.contains(text(0..<3)), text(3..<5) == ", ", bytes[7] == 0x20, bytes[11] == 0x20,
            bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"), text(25..<29) == " GMT",
            let month = Self.monthNames.firstIndex(of: text(8..<11)),
            let day = Self.number(bytes[5..<7]), let year = Self.number(bytes[12..<16]),
            let hour = Self.number(bytes[17..<19]), let minute = Self.number(bytes[20..<22]),
            let second = Self.number(bytes[23..<25]),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: Int64(month) + 1, day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`,
    /// https://howardhinnant.github.io/date_algorithms.html).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard digits.allSatisfy(Self.isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
