import Security
import Testing

@Suite struct PasswordPolicyTests {
    private let policy = PasswordPolicy()

    @Test(arguments: ["Shebao@2026", "correct Horse 9", "Abcdefghi1", "安全口令Abc12345", "abcdefgh1!"])
    func acceptablePasswordsBreakNoRule(password: String) {
        #expect(self.policy.violations(of: password, username: "clerk") == [])
    }

    @Test(arguments: [
        ("Ab1!", [PasswordPolicy.Violation.tooShort]),
        ("abcdefghijk", [.tooFewClasses]),
        ("abcdefghij12", [.tooFewClasses]),
        ("short", [.tooShort, .tooFewClasses]),
        ("Clerk@2026xx", [.containsUsername]),
        ("Abcdefgh1\u{7}x", [.controlCharacter]),
        (String(repeating: "Ab1", count: 50), [.tooLong]),
    ])
    func eachRuleIsReported(password: String, expected: [PasswordPolicy.Violation]) {
        #expect(self.policy.violations(of: password, username: "clerk") == expected)
    }

    @Test func theFiguresAreConfigurableAndNamedInTheMessages() {
        let strict = PasswordPolicy(minimumLength: 14, minimumClasses: 4, maximumAgeDays: nil, historyCount: 3)
        #expect(strict.violations(of: "Shebao@2026", username: "x") == [.tooShort])
        #expect(strict.violations(of: "Shebao@2026abc", username: "x") == [])
        #expect(strict.violations(of: "Shebao2026abcd", username: "x") == [.tooFewClasses])
        #expect(PasswordPolicy.Violation.tooShort.message(strict) == "at least 14 characters")
        #expect(PasswordPolicy.Violation.reused.message(strict).contains("3"))
        #expect(!strict.isExpired(changedAt: 0, now: 10 * 365 * 86_400))
    }

    @Test func aPasswordExpiresAfterItsMaximumAge() {
        let day: Int64 = 86_400
        #expect(!self.policy.isExpired(changedAt: 0, now: 89 * day))
        #expect(self.policy.isExpired(changedAt: 0, now: 90 * day))
    }

    @Test func onlyTheRememberedPasswordsCountAsReuse() throws {
        let quick = PasswordHash.Parameters(logN: 10, r: 8, p: 1)
        let history = try (1...6).map { try PasswordHash.make(password: "Password-\($0)", parameters: quick) }
        let policy = PasswordPolicy(historyCount: 5)
        #expect(try policy.isReused("Password-1", history: history))
        #expect(try policy.isReused("Password-5", history: history))
        #expect(try !policy.isReused("Password-6", history: history), "the sixth is forgotten")
        #expect(try !policy.isReused("Password-7", history: history))
    }
}

@Suite struct TemporaryPasswordTests {
    @Test func temporaryPasswordsMeetTheDefaultPolicyAndDiffer() throws {
        let passwords = try (0..<20).map { _ in try PasswordPolicy.temporaryPassword() }
        #expect(Set(passwords).count == 20)
        for password in passwords {
            #expect(password.count == 17)
            #expect(PasswordPolicy().violations(of: password, username: "admin") == [], "\(password)")
        }
    }
}
