/// Byte-level helpers for the ASCII parts of the files: digits, letters, padding.
enum ASCII {
    static let lineFeed = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let zero = UInt8(ascii: "0")

    /// The value of ASCII digits, or nil if one is not a digit, there are none, or there are more
    /// than 18 (which always fit in `Int64`).
    static func decimal(_ bytes: some Collection<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard Self.isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte &- Self.zero)
        }
        return value
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }

    /// Whether `text` is `count` bytes, each a digit.
    static func isDigits(_ text: String, count: ClosedRange<Int>) -> Bool {
        count.contains(text.utf8.count) && text.utf8.allSatisfy(Self.isDigit)
    }

    /// Whether `text` is `count` bytes, each a capital letter A–Z or a digit.
    static func isUpperAlphanumeric(_ text: String, count: ClosedRange<Int>) -> Bool {
        count.contains(text.utf8.count) && text.utf8.allSatisfy { Self.isUpper($0) || Self.isDigit($0) }
    }

    /// `value` in decimal, zero-padded on the left to `width` digits (wider if it needs more).
    static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` (not negative) right-aligned in `width` zero-padded digits.
    ///
    /// - Precondition: `value` has at most `width` digits; the callers check it first.
    mutating func appendZeroPadded(_ value: Int64, width: Int) {
        precondition(value >= 0, "a negative number in a fixed-width field")
        var divisor: Int64 = 1
        var digits = 1
        while value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        precondition(digits <= width, "a number wider than its fixed-width field")
        self.append(contentsOf: repeatElement(ASCII.zero, count: width - digits))
        var rest = value
        while divisor > 0 {
            self.append(UInt8(truncatingIfNeeded: rest / divisor) &+ ASCII.zero)
            rest %= divisor
            divisor /= 10
        }
    }

    /// Appends `text`, left-aligned and padded with spaces to `width` Unicode scalars.
    ///
    /// - Precondition: `text` has at most `width` scalars; the callers check it first.
    mutating func appendPadded(_ text: String, width: Int) {
        let scalars = text.unicodeScalars.count
        precondition(scalars <= width, "a text wider than its fixed-width field")
        self.append(contentsOf: text.utf8)
        self.append(contentsOf: repeatElement(ASCII.space, count: width - scalars))
    }

    /// Appends a static ASCII string.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { self.append(contentsOf: $0) }
    }
}
