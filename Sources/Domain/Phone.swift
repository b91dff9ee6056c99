/// Contact telephone numbers: a landline with its area code, an extension, or a mobile.
public enum Phone {
    /// Whether `number` is 5–20 of digits, `+` and `-` (`^[0-9+-]{5,20}$`, the column's check)
    /// with at least five digits, so that `+-+-+` is not a number.
    public static func isValid(_ number: some StringProtocol) -> Bool {
        let bytes = Array(number.utf8)
        let digits = bytes.count(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        let others = bytes.count(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
        return (5...20).contains(bytes.count) && digits + others == bytes.count && digits >= 5
    }
}
