/// What an operator's password must be, per the usual MLPS 2.0 level 3 practice: long enough,
/// from several character classes, changed regularly, not one of the last few. Every figure is
/// configurable; the defaults are 10 characters from 3 of the 4 classes, 90 days, 5 remembered.
public struct PasswordPolicy: Sendable, Equatable {
    /// Fewest characters (Unicode scalars).
    public var minimumLength: Int
    /// Fewest of the four classes (upper case, lower case, digits, other) it must use.
    public var minimumClasses: Int
    /// Days after which a password must be changed; nil for never.
    public var maximumAgeDays: Int?
    /// How many previous passwords may not be used again.
    public var historyCount: Int
    /// Longest accepted, to bound the hashing work a request can ask for.
    public var maximumLength: Int

    public init(
        minimumLength: Int = 10,
        minimumClasses: Int = 3,
        maximumAgeDays: Int? = 90,
        historyCount: Int = 5,
        maximumLength: Int = 128
    ) {
        self.minimumLength = minimumLength
        self.minimumClasses = minimumClasses
        self.maximumAgeDays = maximumAgeDays
        self.historyCount = historyCount
        self.maximumLength = maximumLength
    }

    /// A rule a candidate password breaks.
    public enum Violation: String, Sendable, Equatable, CaseIterable {
        case tooShort = "password_too_short"
        case tooLong = "password_too_long"
        case tooFewClasses = "password_too_few_classes"
        case containsUsername = "password_contains_username"
        case controlCharacter = "password_control_character"
        case reused = "password_reused"

        /// A message for the person choosing the password, given the policy's figures.
        public func message(_ policy: PasswordPolicy) -> String {
            switch self {
            case .tooShort: "at least \(policy.minimumLength) characters"
            case .tooLong: "at most \(policy.maximumLength) characters"
            case .tooFewClasses:
                "characters of at least \(policy.minimumClasses) kinds: upper case, lower case, digits, others"
            case .containsUsername: "must not contain the user name"
            case .controlCharacter: "must not contain control characters"
            case .reused: "must differ from the last \(policy.historyCount) passwords"
            }
        }

        /// The same in Chinese.
        public func messageZh(_ policy: PasswordPolicy) -> String {
            switch self {
            case .tooShort: "密码至少 \(policy.minimumLength) 个字符"
            case .tooLong: "密码至多 \(policy.maximumLength) 个字符"
            case .tooFewClasses: "密码须包含大写字母、小写字母、数字、其他字符中的至少 \(policy.minimumClasses) 类"
            case .containsUsername: "密码不得包含用户名"
            case .controlCharacter: "密码不得包含控制字符"
            case .reused: "新密码不得与最近 \(policy.historyCount) 次使用的密码相同"
            }
        }
    }

    /// The rules `password` breaks on its own (reuse is checked against the stored hashes with
    /// ``isReused(_:history:)``), in a fixed order; empty when it is acceptable.
    public func violations(of password: String, username: String) -> [Violation] {
        var found: [Violation] = []
        let scalars = password.unicodeScalars
        if scalars.count < self.minimumLength { found.append(.tooShort) }
        if scalars.count > self.maximumLength { found.append(.tooLong) }
        var classes = Set<Int>()
        for scalar in scalars {
            switch scalar.value {
            case 0x41...0x5A: classes.insert(0)
            case 0x61...0x7A: classes.insert(1)
            case 0x30...0x39: classes.insert(2)
            default: classes.insert(3)
            }
        }
        if classes.count < self.minimumClasses { found.append(.tooFewClasses) }
        let name = username.lowercased()
        if name.count >= 3 && password.lowercased().contains(name) { found.append(.containsUsername) }
        if scalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            found.append(.controlCharacter)
        }
        return found
    }

    /// Whether `password` matches one of the `history` hashes (newest first; only the first
    /// ``historyCount`` are looked at). Each comparison is a full scrypt: run it on the hashing pool.
    /// - Throws: ``SecurityError`` when scrypt fails.
    public func isReused(_ password: String, history: [PasswordHash]) throws -> Bool {
        for hash in history.prefix(self.historyCount) where try hash.verify(password) {
            return true
        }
        return false
    }

    /// A one-time password for a new operator or a reset, to be changed at the first log-in:
    /// 75 random bits of base32 as `ABCDE-fgh2j-KLM7O`: 17 characters of at least three classes
    /// (a group without letters has digits), whatever the draw.
    public static func temporaryPassword() throws -> String {
        let letters = Array(Base32.encode(try Random.bytes(10)).prefix(15))
        let groups = stride(from: 0, to: 15, by: 5).map { String(letters[$0..<($0 + 5)]) }
        return [groups[0], groups[1].lowercased(), groups[2]].joined(separator: "-")
    }

    /// Whether a password set at `changedAt` must be changed at `now` (both seconds since 1970).
    public func isExpired(changedAt: Int64, now: Int64) -> Bool {
        guard let days = self.maximumAgeDays else { return false }
        return now - changedAt >= Int64(days) * 86_400
    }
}
