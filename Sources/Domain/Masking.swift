/// Personal data shown in lists and logs with its middle replaced by `*`, one per character hidden,
/// so the length shows (DESIGN §7: lists mask ID and phone numbers unless a record is opened).
public enum Masking {
    /// `110105********1239`: the region code and the last four kept.
    public static func citizenID(_ number: String) -> String {
        Self.mask(number, keepingFirst: 6, last: 4)
    }

    /// `138****5678`: the network prefix and the last four kept.
    public static func phone(_ number: String) -> String {
        Self.mask(number, keepingFirst: 3, last: 4)
    }

    /// `622202******7894`: the issuer identification number and the last four kept.
    public static func bankCard(_ number: String) -> String {
        Self.mask(number, keepingFirst: 6, last: 4)
    }

    /// `91350100********43`: the authority, category and region, and the last two kept.
    public static func creditCode(_ code: String) -> String {
        Self.mask(code, keepingFirst: 8, last: 2)
    }

    /// `张*丰`, `张*`, `欧**娜`: the first character kept, and the last when there are three or
    /// more; a name of one character is `*`.
    public static func name(_ name: String) -> String {
        switch name.count {
        case 0: ""
        case 1: "*"
        case 2: Self.mask(name, keepingFirst: 1, last: 0)
        default: Self.mask(name, keepingFirst: 1, last: 1)
        }
    }

    /// `text` with all but its first `first` and last `last` characters as `*`; all of it when it
    /// is not longer than what would be kept, so a short value never shows whole.
    ///
    /// - Parameters:
    ///   - text: The value.
    ///   - first: The characters kept at the start.
    ///   - last: The characters kept at the end.
    /// - Returns: The masked value, as many characters long as `text`.
    public static func mask(_ text: String, keepingFirst first: Int, last: Int) -> String {
        let count = text.count
        guard count > first + last else { return String(repeating: "*", count: count) }
        return String(text.prefix(first)) + String(repeating: "*", count: count - first - last)
            + String(text.suffix(last))
    }
}
