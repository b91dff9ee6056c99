/// Social security card numbers (社会保障卡号): opaque, without a check digit, and changed on
/// reissue (domain-rules §4).
public enum SocialSecurityCard {
    /// Whether `number` is 1–20 of `0`–`9` and `A`–`Z` (`^[0-9A-Z]{1,20}$`).
    public static func isValid(_ number: some StringProtocol) -> Bool {
        let bytes = Array(number.utf8)
        return (1...20).contains(bytes.count)
            && bytes.allSatisfy {
                ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
            }
    }
}
