import Domain
import Testing

struct CitizenIDParsingTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    static func parse(_ input: String) -> (ParsedCitizenID?, [ValidationIssue]) {
        CitizenID.parse(input, field: "citizenId", today: Self.today)
    }

    // domain-rules §1.3 and the standard's own examples.
    @Test(arguments: [
        ("110105199003071239", "1990-03-07", Gender.male, "110105"),
        ("440305198511150040", "1985-11-15", Gender.female, "440305"),
        ("310104200012315676", "2000-12-31", Gender.male, "310104"),
        ("11010519491231002X", "1949-12-31", Gender.female, "110105"),
        ("440524188001010014", "1880-01-01", Gender.male, "440524"),
    ])
    func theNotesValidNumbersParseWithTheirBirthDateGenderAndRegion(
        number: String,
        birthDate: String,
        gender: Gender,
        region: String
    ) throws {
        let (parsed, issues) = Self.parse(number)
        #expect(issues.isEmpty)
        let result = try #require(parsed)
        #expect(result.number == number)
        #expect(result.birthDate.iso == birthDate)
        #expect(result.gender == gender)
        #expect(result.regionCode == region)
        #expect(result.legacyNumber == nil)
    }

    @Test(arguments: [
        (" 11010519491231002x ", "11010519491231002X"), ("11010519491231002x", "11010519491231002X"),
        ("\t110105199003071239\n", "110105199003071239"), ("\u{3000}110105199003071239\u{200B}", "110105199003071239"),
    ])
    func whiteSpaceIsTrimmedAndALowerCaseXRaised(input: String, number: String) {
        let (parsed, issues) = Self.parse(input)
        #expect(issues.isEmpty)
        #expect(parsed?.number == number)
    }

    // domain-rules §1.4.
    @Test(arguments: [
        ("110105199003071234", IssueCode.citizenIDCheckCharacter),
        ("110105199002301231", .citizenIDBirthDate),
        ("44030519851115004X", .citizenIDCheckCharacter),
        ("11010519900307123", .citizenIDLength),
        ("1101051990030712391", .citizenIDLength),
    ])
    func theNotesInvalidNumbersFailWithTheirReason(number: String, code: IssueCode) {
        let (parsed, issues) = Self.parse(number)
        #expect(parsed == nil)
        #expect(issues == [ValidationIssue(field: "citizenId", code: code)])
    }

    @Test(arguments: [
        ("", IssueCode.required), ("   ", .required), ("1", .citizenIDLength), ("1101051990030712", .citizenIDLength),
        ("11010519900307123912", .citizenIDLength), ("1101051990030712A9", .citizenIDCharacters),
        ("X10105199003071239", .citizenIDCharacters), ("11010519900307123Y", .citizenIDCharacters),
        ("110105 99003071239", .citizenIDCharacters), ("１１０１０５１９９００３０７１２３９", .citizenIDCharacters),
        ("11010519900307123\u{0665}", .citizenIDCharacters), ("11010549123100A", .citizenIDCharacters),
        ("1101054912310X2", .citizenIDCharacters), ("11010519900307123X", .citizenIDCheckCharacter),
        ("110105199003071230", .citizenIDCheckCharacter),
    ])
    func structuralErrorsStopAtTheFirst(input: String, code: IssueCode) {
        let (parsed, issues) = Self.parse(input)
        #expect(parsed == nil)
        #expect(issues == [ValidationIssue(field: "citizenId", code: code)])
    }

    // ISO 7064 MOD 11-2 catches every single substituted digit and every swap of neighbours.
    @Test(arguments: ["110105199003071239", "11010519491231002X", "440524188001010014"])
    func everyMistypedDigitAndEverySwapIsCaughtByTheCheckCharacter(number: String) {
        let characters = Array(number)
        var missed: [String] = []
        for position in 0..<17 {
            for digit in "0123456789" where digit != characters[position] {
                var variant = characters
                variant[position] = digit
                if Self.parse(String(variant)).1.map(\.code) != [.citizenIDCheckCharacter] {
                    missed.append(String(variant))
                }
            }
            if position < 16 && characters[position] != characters[position + 1] {
                var variant = characters
                variant.swapAt(position, position + 1)
                if Self.parse(String(variant)).1.map(\.code) != [.citizenIDCheckCharacter] {
                    missed.append(String(variant))
                }
            }
        }
        #expect(missed.isEmpty)
    }

    @Test func aCheckErrorHidesTheDateAndRegionErrorsBehindIt() {
        // Province 99 and 1990-02-30, with a wrong check character: only the check is reported.
        let (parsed, issues) = Self.parse("990105199002301230")
        #expect(parsed == nil)
        #expect(issues.map(\.code) == [.citizenIDCheckCharacter])
    }

    @Test(arguments: [
        ("110105179912310008", [IssueCode.citizenIDBirthDate]),
        ("110105202601011230", [.citizenIDFutureBirthDate]),
        ("990105199003071232", [.citizenIDRegion]),
        ("100105199003071237", [.citizenIDRegion]),
    ])
    func datesBefore1800OrInTheFutureAndUnknownProvincesAreErrors(number: String, codes: [IssueCode]) {
        let (parsed, issues) = Self.parse(number)
        #expect(parsed == nil)
        #expect(issues.map(\.code) == codes)
        #expect(issues.allSatisfy { $0.severity == .error && $0.field == "citizenId" })
    }

    @Test func aBadDateAndAnUnknownProvinceAreBothReported() {
        let number = CitizenID.complete(body: "99010519900230123")!
        #expect(Self.parse(number).1.map(\.code) == [.citizenIDBirthDate, .citizenIDRegion])
    }

    @Test func theEarliestBirthDateIsTheFirstOf1800() {
        #expect(Self.parse("110105180001010010").1.isEmpty)
        #expect(Self.parse("110105180001010010").0?.birthDate.iso == "1800-01-01")
    }

    @Test func bornTodayIsNotInTheFuture() {
        let number = CitizenID.complete(body: "11010520250615002")!
        #expect(Self.parse(number).1.isEmpty)
        let tomorrow = CitizenID.complete(body: "11010520250616002")!
        #expect(Self.parse(tomorrow).1.map(\.code) == [.citizenIDFutureBirthDate])
    }

    @Test(arguments: CitizenID.provinceCodes.sorted())
    func everyProvinceOfTheListIsAccepted(province: String) {
        let number = CitizenID.complete(body: province + "000019900307123")!
        #expect(Self.parse(number).1.isEmpty)
    }

    @Test func theProvinceListIsTheNotesList() {
        let expected =
            "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83"
        #expect(CitizenID.provinceCodes == Set(expected.split(separator: " ").map(String.init)))
    }

    @Test(arguments: [
        "00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80", "84", "90",
        "91", "99",
    ])
    func prefixesThatAreNoProvinceAreRejected(prefix: String) {
        let number = CitizenID.complete(body: prefix + "000019900307123")!
        #expect(Self.parse(number).1.map(\.code) == [.citizenIDRegion])
    }

    // domain-rules §1.6.
    @Test func theLegacyExampleConvertsToTheStandardsNumberWithAWarning() throws {
        let (parsed, issues) = Self.parse("110105491231002")
        let result = try #require(parsed)
        #expect(result.number == "11010519491231002X")
        #expect(result.legacyNumber == "110105491231002")
        #expect(result.birthDate.iso == "1949-12-31")
        #expect(result.gender == .female)
        #expect(
            issues == [
                ValidationIssue(
                    field: "citizenId",
                    code: .citizenIDConverted,
                    severity: .warning,
                    arguments: ["converted": "11010519491231002X"]
                )
            ]
        )
        #expect(!issues.hasErrors)
    }

    @Test func aLegacyNumberWithAnImpossibleDateIsAnErrorWithoutTheConversionWarning() {
        let (parsed, issues) = Self.parse("110105490230002")
        #expect(parsed == nil)
        #expect(issues.map(\.code) == [.citizenIDBirthDate])
    }

    @Test func aLegacyNumberOfNoProvinceIsAnError() {
        #expect(Self.parse("990105491231002").1.map(\.code) == [.citizenIDRegion])
    }

    @Test(arguments: [
        ("110105199003071239", Gender.male), ("440305198511150040", .female), ("44030520100715002X", .female),
    ])
    func theGenderIsThatOfTheSeventeenthDigit(number: String, gender: Gender) {
        #expect(Self.parse(number).0?.gender == gender)
    }

    @Test func theParsedTypeIsReachableUnderCitizenID() {
        let parsed: CitizenID.ParsedCitizenID? = Self.parse("110105199003071239").0
        #expect(parsed?.number == "110105199003071239")
    }

    // MARK: Cross-checks

    static let parsed = Self.parse("110105199003071239").0!

    @Test(
        arguments: [
            ("male", "1990-03-07", [IssueCode]()), (nil, nil, []), ("", " ", []), (" male ", " 1990-03-07 ", []),
            ("female", nil, [.genderMismatch]), (nil, "1990-03-08", [.birthDateMismatch]),
            ("female", "1990-07-03", [.genderMismatch, .birthDateMismatch]), ("M", nil, [.notAllowed]),
            ("Male", nil, [.notAllowed]), (nil, "1990-3-7", [.invalidDate]), (nil, "1990-02-30", [.invalidDate]),
            ("unknown", "07/03/1990", [.notAllowed, .invalidDate]),
        ] as [(String?, String?, [IssueCode])]
    )
    func theEnteredGenderAndBirthDateMustBeThoseTheNumberEncodes(
        gender: String?,
        birthDate: String?,
        codes: [IssueCode]
    ) {
        let issues = CitizenID.crossCheck(Self.parsed, gender: gender, birthDate: birthDate)
        #expect(issues.map(\.code) == codes)
        #expect(issues.allSatisfy { $0.severity == .error })
    }

    @Test func mismatchesNameTheirFieldsAndCarryTheDerivedValue() {
        let issues = CitizenID.crossCheck(
            Self.parsed,
            gender: "female",
            birthDate: "1991-03-07",
            genderField: "child.gender",
            birthDateField: "child.birthDate"
        )
        #expect(
            issues == [
                ValidationIssue(field: "child.gender", code: .genderMismatch, arguments: ["derived": "male"]),
                ValidationIssue(
                    field: "child.birthDate",
                    code: .birthDateMismatch,
                    arguments: ["derived": "1990-03-07"]
                ),
            ]
        )
    }

    @Test func aGenderNotAllowedListsTheAllowedValues() {
        let issues = CitizenID.crossCheck(Self.parsed, gender: "x", birthDate: nil)
        #expect(issues == [ValidationIssue(field: "gender", code: .notAllowed, arguments: ["allowed": "male,female"])])
    }
}
