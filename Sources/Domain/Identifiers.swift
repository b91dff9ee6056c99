/// The citizen ID number (公民身份号码, GB 11643-1999): 17 digits and a MOD 11-2 check character.
public enum CitizenID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432".utf8)

    /// The check character for a 17-digit body, or nil if the body is not 17 ASCII digits.
    public static func checkCharacter(body: some StringProtocol) -> Character? {
        let digits = Array(body.utf8)
        guard digits.count == 17, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var sum = 0
        for (digit, weight) in zip(digits, Self.weights) {
            sum += Int(digit - 0x30) * weight
        }
        return Character(Unicode.Scalar(Self.checkCharacters[sum % 11]))
    }

    /// Whether `number` is 18 characters whose last is the right check character (an upper-case
    /// `X` for ten). Dates and region codes are checked elsewhere.
    public static func hasValidCheckCharacter(_ number: some StringProtocol) -> Bool {
        guard number.utf8.count == 18 else { return false }
        return Self.checkCharacter(body: number.prefix(17)) == number.last
    }

    /// The number for a body: the body and its check character.
    public static func complete(body: String) -> String? {
        Self.checkCharacter(body: body).map { body + String($0) }
    }
}

/// The unified social credit code (统一社会信用代码, GB 32100-2015): 17 characters and a MOD 31
/// check character.
public enum CreditCode {
    /// The 31 characters of the code, in value order (no I, O, Z, S, V).
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for a 17-character body, or nil if a character is outside the set.
    public static func checkCharacter(body: some StringProtocol) -> Character? {
        let characters = Array(body.utf8)
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (character, weight) in zip(characters, Self.weights) {
            guard let value = Self.alphabet.firstIndex(of: character) else { return nil }
            sum += value * weight
        }
        return Character(Unicode.Scalar(Self.alphabet[(31 - sum % 31) % 31]))
    }

    /// Whether `code` is 18 characters of the set whose last is the right check character.
    public static func hasValidCheckCharacter(_ code: some StringProtocol) -> Bool {
        guard code.utf8.count == 18 else { return false }
        return Self.checkCharacter(body: code.prefix(17)) == code.last
    }
}

/// The Luhn check digit of payment card numbers (ISO/IEC 7812-1 Annex B).
public enum Luhn {
    /// The check digit to append to `payload` (ASCII digits), or nil if it has a non-digit.
    public static func checkDigit(payload: some StringProtocol) -> Character? {
        var sum = 0
        var double = true
        for byte in payload.utf8.reversed() {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            var digit = Int(byte - 0x30)
            if double {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
            double.toggle()
        }
        return Character(String((10 - sum % 10) % 10))
    }

    /// Whether the last digit of `number` is its Luhn check digit.
    public static func isValid(_ number: some StringProtocol) -> Bool {
        guard number.utf8.count >= 2, let last = number.last else { return false }
        return Self.checkDigit(payload: number.dropLast()) == last
    }
}
