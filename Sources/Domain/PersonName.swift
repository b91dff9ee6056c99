/// Names of persons as the household register and the ID card write them.
public enum PersonName {
    /// The most characters a name may have (the `person.name` column's check).
    public static let maximumLength = 50

    /// The separator of the parts of a transliterated name (`买买提·艾力`): U+00B7 MIDDLE DOT, as ID
    /// cards print it.
    public static let separator: Character = "\u{00B7}"

    // Look-alike dots an input method or a copy from a web page gives instead of U+00B7: bullet,
    // hyphenation point, bullet operator, dot operator, Greek ano teleia, katakana middle dot,
    // full-width full stop, half-width katakana middle dot.
    static let separatorVariants: Set<UInt32> = [0x2022, 0x2027, 0x2219, 0x22C5, 0x0387, 0x30FB, 0xFF0E, 0xFF65]

    static let latinSeparators: Set<Character> = [" ", "\u{00B7}", "-", "'"]

    /// Checks a person's name as entered.
    ///
    /// White space around the name is dropped and look-alike dots (`•`, `・`, `．` …) become
    /// U+00B7. The name is then at most 50 characters and either Chinese characters (CJK Unified
    /// Ideographs, Extension A, Extension B and after) with single `·` between parts, or Latin
    /// letters with single spaces, `·`, `-` or `'` between words.
    ///
    /// - Parameters:
    ///   - input: The name as entered.
    ///   - field: The payload field the issues name.
    /// - Returns: The normalised name, or nil when there is an error; and the issues found.
    public static func validate(_ input: String, field: String) -> (String?, [ValidationIssue]) {
        let trimmed = input.trimmingWhitespace()
        guard !trimmed.isEmpty else { return (nil, [ValidationIssue(field: field, code: .required)]) }
        let name = String(trimmed.map(Self.normalisedSeparator))
        guard name.count <= Self.maximumLength else {
            let issue = ValidationIssue(field: field, code: .tooLong, arguments: ["max": String(Self.maximumLength)])
            return (nil, [issue])
        }
        guard Self.isHanName(name) || Self.isLatinName(name) else {
            return (nil, [ValidationIssue(field: field, code: .nameInvalid)])
        }
        return (name, [])
    }

    static func normalisedSeparator(_ character: Character) -> Character {
        let scalars = character.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first, Self.separatorVariants.contains(scalar.value) else {
            return character
        }
        return Self.separator
    }

    /// Whether `name` is Han characters with single separators between them.
    static func isHanName(_ name: String) -> Bool {
        Self.isWords(name, separators: [Self.separator], letter: Self.isHan)
    }

    /// Whether `name` is Latin letters with single separators between words.
    static func isLatinName(_ name: String) -> Bool {
        Self.isWords(name, separators: Self.latinSeparators, letter: Self.isLatinLetter)
    }

    /// Whether `name` is runs of letters with one separator between runs and none at the ends.
    static func isWords(_ name: String, separators: Set<Character>, letter: (Character) -> Bool) -> Bool {
        var previousWasLetter = false
        for character in name {
            if separators.contains(character) {
                guard previousWasLetter else { return false }
                previousWasLetter = false
            } else {
                guard letter(character) else { return false }
                previousWasLetter = true
            }
        }
        return previousWasLetter
    }

    /// Whether `character` is one CJK Unified Ideograph: the basic block U+4E00–U+9FFF,
    /// Extension A U+3400–U+4DBF, or Extension B and after with the compatibility supplement,
    /// U+20000–U+2FA1F (rare characters of names are mostly in Extension B).
    static func isHan(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        guard scalars.count == 1, let value = scalars.first?.value else { return false }
        return (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2FA1F).contains(value)
    }

    /// Whether `character` is a Latin letter, possibly with combining accents: ASCII, Latin-1,
    /// Latin Extended-A and -B, and Latin Extended Additional (Vietnamese).
    static func isLatinLetter(_ character: Character) -> Bool {
        let scalars = Array(character.unicodeScalars)
        guard let base = scalars.first?.value else { return false }
        let isLetter =
            (0x41...0x5A).contains(base) || (0x61...0x7A).contains(base)
            || ((0xC0...0x24F).contains(base) && base != 0xD7 && base != 0xF7) || (0x1E00...0x1EFF).contains(base)
        return isLetter && scalars.dropFirst().allSatisfy { (0x300...0x36F).contains($0.value) }
    }
}
