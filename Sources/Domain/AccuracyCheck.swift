/// The issues of one payload's accuracy checks as they are found, with the checks the payloads
/// share. Each check returns the value normalised (its trimmed input when it fails).
public struct AccuracyCheck {
    /// The most characters of an address (the `address` columns' check).
    public static let maximumAddressLength = 300
    /// The most characters of a bank's name (the `person.bank_name` column's check).
    public static let maximumBankNameLength = 100
    /// The largest plausible monthly wage: 1,000,000 yuan.
    static let maximumWageFen: Int64 = 100_000_000
    /// How far ahead of this month a start period may be without a warning.
    static let farAheadMonths = 12

    let today: CalendarDate
    private(set) var issues: [ValidationIssue] = []

    init(today: CalendarDate) {
        self.today = today
    }

    mutating func add(
        _ field: String,
        _ code: IssueCode,
        severity: Severity = .error,
        _ arguments: [String: String] = [:]
    ) {
        self.issues.append(ValidationIssue(field: field, code: code, severity: severity, arguments: arguments))
    }

    /// The value of a check that validates and normalises, and its issues collected.
    mutating func collect<Value>(_ result: (Value?, [ValidationIssue])) -> Value? {
        self.issues += result.1
        return result.0
    }

    /// A required string, trimmed; ``IssueCode/required`` when blank.
    mutating func required(_ value: String, _ field: String) -> String {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty { self.add(field, .required) }
        return trimmed
    }

    /// A free text, trimmed and nil when blank; ``IssueCode/tooLong`` past `maximumLength`.
    mutating func text(_ value: String?, _ field: String, maximumLength: Int) -> String? {
        let trimmed = value.trimmedOrNil()
        if let trimmed, trimmed.count > maximumLength { self.add(field, .tooLong, ["max": String(maximumLength)]) }
        return trimmed
    }

    /// A required free text: ``IssueCode/required`` when blank, ``IssueCode/tooLong`` past
    /// `maximumLength`.
    mutating func requiredText(_ value: String, _ field: String, maximumLength: Int) -> String {
        let trimmed = self.required(value, field)
        if trimmed.count > maximumLength { self.add(field, .tooLong, ["max": String(maximumLength)]) }
        return trimmed
    }

    /// One of `allowed` (``IssueCode/notAllowed``), or nil when absent or blank.
    mutating func oneOf(_ value: String?, _ allowed: [String], _ field: String) -> String? {
        let trimmed = value.trimmedOrNil()
        if let trimmed, !allowed.contains(trimmed) {
            self.add(field, .notAllowed, ["allowed": allowed.joined(separator: ",")])
        }
        return trimmed
    }

    /// A required one of `allowed`: ``IssueCode/required`` when blank.
    mutating func requiredOneOf(_ value: String, _ allowed: [String], _ field: String) -> String {
        let trimmed = self.required(value, field)
        return trimmed.isEmpty ? trimmed : self.oneOf(trimmed, allowed, field) ?? trimmed
    }

    /// A person's name (``PersonName``).
    mutating func name(_ value: String, _ field: String) -> String {
        self.collect(PersonName.validate(value, field: field)) ?? value.trimmingWhitespace()
    }

    /// A citizen ID number and what it encodes (``CitizenID/parse(_:field:today:)``).
    mutating func citizenID(_ value: String, _ field: String) -> (String, ParsedCitizenID?) {
        let parsed = self.collect(CitizenID.parse(value, field: field, today: self.today))
        return (parsed?.number ?? value.trimmingWhitespace().asciiUppercased(), parsed)
    }

    /// A gender and a birth date entered beside a citizen ID: checked against what the ID
    /// encodes and filled from it when absent, or only checked for form when the ID failed.
    mutating func genderAndBirthDate(
        gender: String?,
        birthDate: String?,
        of parsed: ParsedCitizenID?
    ) -> (gender: String?, birthDate: String?) {
        let gender = gender.trimmedOrNil()
        let birthDate = birthDate.trimmedOrNil()
        if let parsed {
            self.issues += CitizenID.crossCheck(parsed, gender: gender, birthDate: birthDate)
            return (gender ?? parsed.gender.rawValue, birthDate ?? parsed.birthDate.iso)
        }
        if let gender, Gender(rawValue: gender) == nil {
            self.issues.append(CitizenID.genderNotAllowed(field: "gender"))
        }
        if let birthDate, CalendarDate(iso: birthDate) == nil { self.add("birthDate", .invalidDate) }
        return (gender, birthDate)
    }

    /// `urban` or `rural` (the `household_type` column).
    mutating func householdType(_ value: String?, _ field: String) -> String? {
        self.oneOf(value, Self.householdTypes, field)
    }

    static let householdTypes = ["urban", "rural"]

    /// A mainland mobile number, white space and hyphens dropped; ``IssueCode/mobileInvalid``.
    mutating func mobile(_ value: String?, _ field: String) -> String? {
        guard let number = value.map({ String($0.filter { !$0.isBlank && $0 != "-" }) }), !number.isEmpty else {
            return nil
        }
        if !Mobile.isValid(number) { self.add(field, .mobileInvalid) }
        return number
    }

    /// A landline or mobile number, white space dropped; ``IssueCode/phoneInvalid``.
    mutating func phone(_ value: String?, _ field: String) -> String? {
        guard let number = value.map({ String($0.filter { !$0.isBlank }) }), !number.isEmpty else { return nil }
        if !Phone.isValid(number) { self.add(field, .phoneInvalid) }
        return number
    }

    /// A social security card number in upper case; ``IssueCode/socialSecurityCardInvalid``.
    mutating func socialSecurityCard(_ value: String?, _ field: String) -> String? {
        guard let number = value.trimmedOrNil()?.asciiUppercased() else { return nil }
        if !SocialSecurityCard.isValid(number) { self.add(field, .socialSecurityCardInvalid) }
        return number
    }

    /// A bank card number, digits only (``BankCard``).
    mutating func bankCard(_ value: String?, _ field: String) -> String? {
        guard let number = value.trimmedOrNil() else { return nil }
        return self.collect(BankCard.validate(number, field: field)) ?? number
    }

    /// A period `YYYYMM`; ``IssueCode/invalidPeriod``.
    mutating func period(_ value: Int, _ field: String) -> Period? {
        guard let period = Period(value) else {
            self.add(field, .invalidPeriod)
            return nil
        }
        return period
    }

    /// A period cover starts in: also the warning ``IssueCode/periodFarAhead`` when it is more
    /// than 12 months after this month, most likely a typing error in the year.
    mutating func startPeriod(_ value: Int, _ field: String) -> Period? {
        guard let period = self.period(value, field) else { return nil }
        if self.today.period.months(to: period) > Self.farAheadMonths {
            self.add(field, .periodFarAhead, severity: .warning, ["period": period.description])
        }
        return period
    }

    /// A declared monthly wage: 0 to 1,000,000 yuan; ``IssueCode/amountOutOfRange``.
    mutating func wage(_ value: Int64, _ field: String) {
        if !(0...Self.maximumWageFen).contains(value) {
            self.add(field, .amountOutOfRange, ["max": Money.yuan(Self.maximumWageFen)])
        }
    }

    /// A number within `range`; ``IssueCode/outOfRange``.
    mutating func range(_ value: Int, _ range: ClosedRange<Int>, _ field: String) {
        if !range.contains(value) {
            self.add(field, .outOfRange, ["min": String(range.lowerBound), "max": String(range.upperBound)])
        }
    }

    /// The enrolment lines of an application, in `field` (`enrolments`).
    ///
    /// Each line has a known scheme not repeated in the application, a valid start period, a
    /// plausible declared wage; an employee scheme has the employer and the wage, a residents'
    /// scheme no employer. When the birth date is known the start is not before the month of
    /// birth, and the person is of working age at the end of an employee scheme's first month.
    ///
    /// - Returns: The lines with their scheme codes trimmed.
    mutating func enrolmentLines(_ lines: [EnrolmentLine], _ field: String, birthDate: CalendarDate?) -> [EnrolmentLine]
    {
        var seen: Set<Scheme> = []
        return lines.enumerated().map { index, line in
            let prefix = "\(field)[\(index)]."
            var line = line
            line.schemeCode = self.required(line.schemeCode, prefix + "schemeCode")
            var scheme: Scheme?
            if !line.schemeCode.isEmpty {
                scheme = Scheme(rawValue: line.schemeCode)
                if let scheme, !seen.insert(scheme).inserted {
                    self.add(prefix + "schemeCode", .schemeRepeated, ["scheme": scheme.rawValue])
                } else if scheme == nil {
                    self.add(prefix + "schemeCode", .schemeUnknown, ["allowed": Scheme.allCodes])
                }
            }
            let start = self.startPeriod(line.startPeriod, prefix + "startPeriod")
            if let wage = line.declaredWageFen { self.wage(wage, prefix + "declaredWageFen") }
            if let scheme {
                if scheme.isEmployeeScheme {
                    if line.employerId == nil { self.add(prefix + "employerId", .employerRequired) }
                    if line.declaredWageFen == nil { self.add(prefix + "declaredWageFen", .baseRequired) }
                } else if line.employerId != nil {
                    self.add(prefix + "employerId", .employerNotAllowed, ["scheme": scheme.rawValue])
                }
            }
            if let start, let birthDate {
                if start < birthDate.period {
                    self.add(prefix + "startPeriod", .periodBeforeBirth, ["period": start.description])
                } else if let scheme, scheme.isEmployeeScheme {
                    let age = birthDate.age(on: start.lastDay)
                    if age < Scheme.minimumEmployeeAge {
                        self.add(
                            prefix + "startPeriod",
                            .ageBelowWorkingAge,
                            ["age": String(age), "minimum": String(Scheme.minimumEmployeeAge)]
                        )
                    }
                }
            }
            return line
        }
    }
}
