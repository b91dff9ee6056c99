extension String {
    /// The string without leading and trailing white space, including the ideographic space
    /// U+3000 and the invisible characters a copy from a web page or a spreadsheet brings along
    /// (zero-width space, word joiner, byte-order mark).
    func trimmingWhitespace() -> String {
        guard let first = self.firstIndex(where: { !$0.isBlank }), let last = self.lastIndex(where: { !$0.isBlank })
        else { return "" }
        return String(self[first...last])
    }

    /// The trimmed string, or nil when nothing is left.
    func trimmedOrNil() -> String? {
        let trimmed = self.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The string with the ASCII letters a–z in upper case and everything else as it is (unlike
    /// `uppercased()`, which turns `ß` into `SS` and changes the length).
    func asciiUppercased() -> String {
        String(
            String.UnicodeScalarView(
                self.unicodeScalars.map { scalar in
                    ("a"..."z").contains(scalar) ? Unicode.Scalar(scalar.value - 0x20)! : scalar
                }
            )
        )
    }

    /// `value` in decimal, zero-padded on the left to `width` digits.
    init(zeroPadded value: Int, width: Int) {
        let digits = String(value)
        self = String(repeating: "0", count: Swift.max(0, width - digits.utf8.count)) + digits
    }

    /// Whether the string is not empty and all ASCII digits.
    var isASCIIDigits: Bool {
        !self.isEmpty && self.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

extension Optional where Wrapped == String {
    /// The trimmed string, or nil when absent or nothing is left.
    func trimmedOrNil() -> String? {
        self.flatMap { $0.trimmedOrNil() }
    }
}

extension Character {
    /// White space or an invisible format character that input may carry at its ends.
    var isBlank: Bool {
        self.isWhitespace
            || self.unicodeScalars.allSatisfy { [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF].contains($0.value) }
    }
}
