/// Bank card numbers of the accounts benefits are paid to (domain-rules §3).
public enum BankCard {
    /// The lengths of domestic card numbers: UnionPay cards are 16–19 digits.
    public static let domesticLengths: ClosedRange<Int> = 16...19

    /// Checks a bank card number as entered.
    ///
    /// Spaces and hyphens (as printed on cards and typed in groups) are removed. Then the number
    /// must be `lengths` digits, and its last the Luhn check digit (ISO/IEC 7812-1 Annex B).
    ///
    /// - Parameters:
    ///   - input: The number as entered.
    ///   - field: The payload field the issues name.
    ///   - lengths: The numbers of digits allowed.
    /// - Returns: The digits, or nil when there is an error; and the issues found.
    public static func validate(
        _ input: String,
        field: String,
        lengths: ClosedRange<Int> = Self.domesticLengths
    ) -> (String?, [ValidationIssue]) {
        let digits = String(input.filter { !$0.isBlank && $0 != "-" })
        guard !digits.isEmpty else { return (nil, [ValidationIssue(field: field, code: .required)]) }
        guard digits.isASCIIDigits, lengths.contains(digits.utf8.count) else {
            let issue = ValidationIssue(
                field: field,
                code: .bankCardLength,
                arguments: ["min": String(lengths.lowerBound), "max": String(lengths.upperBound)]
            )
            return (nil, [issue])
        }
        guard Luhn.isValid(digits) else {
            return (nil, [ValidationIssue(field: field, code: .bankCardCheckDigit)])
        }
        return (digits, [])
    }
}
