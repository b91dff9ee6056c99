extension CreditCode {
    // GB 11714-1997: the weights of the organisation code's eight body characters.
    static let organisationWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// Checks a unified social credit code as entered.
    ///
    /// White space around the code is dropped and letters taken in upper case. The checks stop
    /// at the first error: the length (18), the characters (the 31 of GB 32100, positions 3–8
    /// digits only: domain-rules §2.1; any letter in the check position), the check character
    /// (§2.2). The organisation code in
    /// positions 9–17 failing its GB 11714 check is a warning only (§2.3): some entities carry
    /// identifiers that do not follow it.
    ///
    /// - Parameters:
    ///   - input: The code as entered.
    ///   - field: The payload field the issues name.
    /// - Returns: The normalised code, or nil when there is an error; and the issues found.
    public static func validate(_ input: String, field: String) -> (String?, [ValidationIssue]) {
        let code = input.trimmingWhitespace().asciiUppercased()
        func failure(_ code: IssueCode) -> (String?, [ValidationIssue]) {
            (nil, [ValidationIssue(field: field, code: code)])
        }
        guard !code.isEmpty else { return failure(.required) }
        guard code.count == 18 else { return failure(.creditCodeLength) }
        let bytes = Array(code.utf8)
        // A letter outside the set in the check position is a wrong check character, as §2.2
        // reports `91350100M000100Y4Z`: no body has the check Z.
        guard bytes.count == 18, bytes[..<17].allSatisfy(Self.alphabet.contains),
            bytes[2..<8].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            Self.alphabet.contains(bytes[17]) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[17])
        else { return failure(.creditCodeCharacters) }
        guard Self.hasValidCheckCharacter(code) else { return failure(.creditCodeCheckCharacter) }

        guard Self.organisationCheckCharacter(body: bytes[8..<16]) == bytes[16] else {
            return (
                code, [ValidationIssue(field: field, code: .creditCodeOrganisationCheck, severity: .warning)]
            )
        }
        return (code, [])
    }

    /// The GB 11714 check character of an organisation code's eight body characters (digits
    /// and upper-case letters), as an ASCII byte: `0`–`9` or `X`.
    ///
    /// - Returns: nil if a character is neither a digit nor an upper-case letter.
    static func organisationCheckCharacter(body: ArraySlice<UInt8>) -> UInt8? {
        var sum = 0
        for (byte, weight) in zip(body, Self.organisationWeights) {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            // A=10 … Z=35, the whole Latin alphabet (domain-rules §2.3), not the credit code's 31.
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            sum += value * weight
        }
        switch 11 - sum % 11 {
        case 10: return UInt8(ascii: "X")
        case 11: return UInt8(ascii: "0")
        case let check: return UInt8(ascii: "0") + UInt8(check)
        }
    }
}
