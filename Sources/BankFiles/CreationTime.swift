/// A local date-time without zone, to the second: the payment file's creation time, which the
/// caller gives so that the file is deterministic.
struct CreationTime: Sendable, Equatable {
    /// `YYYYMMDDHHMMSS`, ASCII digits.
    let digits: [UInt8]

    /// The time written exactly as `YYYY-MM-DDTHH:MM:SS`, or nil for anything else or a time
    /// that does not exist.
    init?(iso: String) {
        let bytes = Array(iso.utf8)
        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
        guard bytes.count == 19, separators.allSatisfy({ bytes[$0.0] == $0.1.asciiValue }) else { return nil }
        self.init(
            digits: bytes[0..<4] + bytes[5..<7] + bytes[8..<10] + bytes[11..<13] + bytes[14..<16] + bytes[17..<19]
        )
    }

    /// The time of fourteen ASCII digits `YYYYMMDDHHMMSS`, or nil.
    init?(digits: some Collection<UInt8>) {
        guard digits.count == 14, BankDate(digits: digits.prefix(8)) != nil,
            let hour = ASCII.decimal(digits.dropFirst(8).prefix(2)), hour < 24,
            let minute = ASCII.decimal(digits.dropFirst(10).prefix(2)), minute < 60,
            let second = ASCII.decimal(digits.suffix(2)), second < 60
        else { return nil }
        self.digits = Array(digits)
    }

    /// `YYYY-MM-DDTHH:MM:SS`.
    var iso: String {
        var text = [UInt8]()
        text.reserveCapacity(19)
        for (index, digit) in self.digits.enumerated() {
            switch index {
            case 4, 6: text.append(UInt8(ascii: "-"))
            case 8: text.append(UInt8(ascii: "T"))
            case 10, 12: text.append(UInt8(ascii: ":"))
            default: break
            }
            text.append(digit)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
