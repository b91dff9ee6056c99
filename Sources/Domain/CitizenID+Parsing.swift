extension CitizenID {
    /// The province-level codes positions 1–2 may hold (domain-rules §1.5, checked against
    /// python-stdnum's GB/T 2260 table), with 81–83 for the residence permits of Hong Kong,
    /// Macao and Taiwan residents (§1.7).
    public static let provinceCodes: Set<String> = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
        "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
    ]

    /// The earliest birth date a number may encode: the standard's own example has the year 1880
    /// (domain-rules §1.5).
    public static let earliestBirthDate = CalendarDate(year: 1800, month: 1, day: 1)!

    /// Checks a citizen ID number as entered and reads what it encodes.
    ///
    /// White space around the number is dropped and a final lower-case `x` taken as `X`. A
    /// legacy 15-digit number (GB 11643-1989) is converted by inserting `19` before its birth
    /// year and appending the check character, with the warning ``IssueCode/citizenIDConverted``
    /// when the converted number passes. The structural checks (length, characters, check
    /// character) stop at the first that fails, so a field gets one clear message; the birth
    /// date and province checks after them are reported together.
    ///
    /// - Parameters:
    ///   - input: The number as entered.
    ///   - field: The payload field the issues name.
    ///   - today: The date a birth date may not be after.
    /// - Returns: The parsed number, or nil when there is an error; and the issues found.
    public static func parse(
        _ input: String,
        field: String,
        today: CalendarDate
    ) -> (ParsedCitizenID?, [ValidationIssue]) {
        var number = input.trimmingWhitespace()
        if number.last == "x" { number = String(number.dropLast()) + "X" }
        func failure(_ code: IssueCode) -> (ParsedCitizenID?, [ValidationIssue]) {
            (nil, [ValidationIssue(field: field, code: code)])
        }
        guard !number.isEmpty else { return failure(.required) }

        var legacyNumber: String?
        switch number.count {
        case 15:
            guard number.isASCIIDigits else { return failure(.citizenIDCharacters) }
            // GB 11643-1999 foreword and domain-rules §1.6: the 1989 number has a two-digit year
            // of the 1900s and no check character. The body is 17 ASCII digits, so it has one.
            legacyNumber = number
            number = Self.complete(body: String(number.prefix(6)) + "19" + String(number.dropFirst(6)))!
        case 18:
            let last = number.utf8.last
            guard String(number.prefix(17)).isASCIIDigits,
                last == UInt8(ascii: "X") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(last ?? 0)
            else { return failure(.citizenIDCharacters) }
            guard Self.hasValidCheckCharacter(number) else { return failure(.citizenIDCheckCharacter) }
        default:
            return failure(.citizenIDLength)
        }

        var issues: [ValidationIssue] = []
        // Here the number is 17 ASCII digits and a check character.
        let digits = Array(number.utf8)
        let birthDate = CalendarDate(
            year: CalendarDate.decimal(digits[6..<10])!,
            month: CalendarDate.decimal(digits[10..<12])!,
            day: CalendarDate.decimal(digits[12..<14])!
        )
        if let birthDate, birthDate >= Self.earliestBirthDate {
            if birthDate > today { issues.append(ValidationIssue(field: field, code: .citizenIDFutureBirthDate)) }
        } else {
            issues.append(ValidationIssue(field: field, code: .citizenIDBirthDate))
        }
        if !Self.provinceCodes.contains(String(number.prefix(2))) {
            issues.append(ValidationIssue(field: field, code: .citizenIDRegion))
        }
        guard issues.isEmpty, let birthDate else { return (nil, issues) }

        if legacyNumber != nil {
            issues.append(
                ValidationIssue(
                    field: field,
                    code: .citizenIDConverted,
                    severity: .warning,
                    arguments: ["converted": number]
                )
            )
        }
        let parsed = ParsedCitizenID(
            number: number,
            birthDate: birthDate,
            gender: (digits[16] - UInt8(ascii: "0")) % 2 == 1 ? .male : .female,
            regionCode: String(number.prefix(6)),
            legacyNumber: legacyNumber
        )
        return (parsed, issues)
    }

    /// Checks a gender and a birth date entered beside a citizen ID number against what the
    /// number encodes (domain-rules §1.5 rule 5). Absent or blank values are not checked.
    ///
    /// - Parameters:
    ///   - parsed: The parsed number.
    ///   - gender: `male` or `female`, as entered.
    ///   - birthDate: `YYYY-MM-DD`, as entered.
    ///   - genderField: The payload field of the gender.
    ///   - birthDateField: The payload field of the birth date.
    /// - Returns: ``IssueCode/notAllowed`` or ``IssueCode/genderMismatch`` for the gender,
    ///   ``IssueCode/invalidDate`` or ``IssueCode/birthDateMismatch`` for the birth date.
    public static func crossCheck(
        _ parsed: ParsedCitizenID,
        gender: String?,
        birthDate: String?,
        genderField: String = "gender",
        birthDateField: String = "birthDate"
    ) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let entered = gender.trimmedOrNil() {
            if let gender = Gender(rawValue: entered) {
                if gender != parsed.gender {
                    issues.append(
                        ValidationIssue(
                            field: genderField,
                            code: .genderMismatch,
                            arguments: ["derived": parsed.gender.rawValue]
                        )
                    )
                }
            } else {
                issues.append(Self.genderNotAllowed(field: genderField))
            }
        }
        if let entered = birthDate.trimmedOrNil() {
            if let date = CalendarDate(iso: entered) {
                if date != parsed.birthDate {
                    issues.append(
                        ValidationIssue(
                            field: birthDateField,
                            code: .birthDateMismatch,
                            arguments: ["derived": parsed.birthDate.iso]
                        )
                    )
                }
            } else {
                issues.append(ValidationIssue(field: birthDateField, code: .invalidDate))
            }
        }
        return issues
    }

    /// The issue of a gender other than `male` and `female`.
    static func genderNotAllowed(field: String) -> ValidationIssue {
        ValidationIssue(
            field: field,
            code: .notAllowed,
            arguments: ["allowed": Gender.allCases.map(\.rawValue).joined(separator: ",")]
        )
    }
}
