/// Mainland mobile numbers.
public enum Mobile {
    /// Whether `number` is a mainland mobile number: 11 digits, `1` then `3`–`9` (`^1[3-9][0-9]{9}$`).
    public static func isValid(_ number: some StringProtocol) -> Bool {
        let bytes = Array(number.utf8)
        return bytes.count == 11 && bytes[0] == UInt8(ascii: "1")
            && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1])
            && String(number).isASCIIDigits
    }
}
