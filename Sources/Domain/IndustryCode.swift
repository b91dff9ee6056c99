/// National industry classification codes (国民经济行业分类, GB/T 4754-2017).
public enum IndustryCode {
    /// Whether `code` is a section letter `A`–`T` and up to four digits (`^[A-T][0-9]{0,4}$`):
    /// the section, division, group or class.
    public static func isValid(_ code: some StringProtocol) -> Bool {
        let bytes = Array(code.utf8)
        guard let section = bytes.first, (UInt8(ascii: "A")...UInt8(ascii: "T")).contains(section), bytes.count <= 5
        else { return false }
        return bytes.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
