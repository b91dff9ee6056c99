import Domain
import Testing

struct IssueMessagesTests {
    /// The arguments each code fills, as IssueCode.swift documents them, with sample values.
    static let documentedArguments: [IssueCode: [String: String]] = [
        .tooLong: ["max": "50"],
        .notAllowed: ["allowed": "urban,rural"],
        .amountOutOfRange: ["max": "1000000.00"],
        .outOfRange: ["min": "1", "max": "8"],
        .citizenIDConverted: ["converted": "11010519491231002X"],
        .citizenIDRepeated: ["line": "1"],
        .genderMismatch: ["derived": "male"],
        .birthDateMismatch: ["derived": "1990-03-07"],
        .bankCardLength: ["min": "16", "max": "19"],
        .schemeUnknown: ["allowed": "110,120,170,210,310,390,410,510"],
        .schemeRepeated: ["scheme": "110"],
        .enrolmentActiveElsewhere: ["office": "110105"],
        .enrolmentConflictingScheme: ["scheme": "390", "conflicting": "310"],
        .enrolmentEndBeforeStart: ["start": "202401"],
        .baseBelowFloor: ["declared": "3000.00", "floor": "4500.00", "ceiling": "22500.00"],
        .baseAboveCeiling: ["declared": "30000.00", "floor": "4500.00", "ceiling": "22500.00"],
        .policyMissing: ["region": "110105", "scheme": "110", "period": "202401"],
        .employerNotAllowed: ["scheme": "170"],
        .employerInactive: ["status": "suspended"],
        .employerAlreadyRegistered: ["office": "110105"],
        .personAlreadyRegistered: ["office": "440305"],
        .ageBelowWorkingAge: ["age": "15", "minimum": "16"],
        .ageAboveRetirement: ["age": "63"],
        .newbornTooOld: ["days": "400"],
        .newbornOutsideWindow: ["window": "90", "days": "120"],
        .periodFarAhead: ["period": "202701"],
        .periodBeforeBirth: ["period": "198901"],
        .transferOfficeInvalid: ["office": "440305"],
        .applicationPending: ["application": "A2025000123"],
        .benefitAmountOutOfRange: ["min": "0.01", "max": "50000.00"],
        .benefitEndBeforeStart: ["start": "202001"],
        .benefitExists: ["office": "320102", "kind": "basic_pension", "status": "suspended"],
        .bankNotFound: ["allowed": "BOC,CCB,ICBC"],
        .wrongType: ["expected": "integer,null"],
        .tooShort: ["min": "1"],
        .patternMismatch: ["pattern": "^[0-9]+$"],
        .tooFewItems: ["min": "1"],
        .tooManyItems: ["max": "20"],
        .nestedTooDeep: ["max": "32"],
    ]

    static let allCases = IssueCode.allCases.flatMap { code in [(code, Language.zh), (code, Language.en)] }

    @Test(arguments: Self.allCases)
    func everyCodeHasAFilledMessageInBothLanguages(code: IssueCode, language: Language) {
        let arguments = Self.documentedArguments[code] ?? [:]
        let text = IssueMessages.text(code, arguments, language)
        #expect(!text.isEmpty)
        #expect(!text.contains("{") && !text.contains("}"), "unfilled placeholder in \(text)")
        // The message uses only documented arguments, and some when there are any.
        let placeholders = Self.placeholders(IssueMessages.text(code, [:], language))
        #expect(placeholders.isSubset(of: arguments.keys))
        #expect(placeholders.isEmpty == arguments.isEmpty)
    }

    static func placeholders(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    @Test(arguments: [IssueCode.schemeRepeated, .periodFarAhead, .newbornTooOld, .citizenIDConverted, .bankCardLength])
    func argumentsShownAsTheyAreAppearInBothLanguages(code: IssueCode) {
        for language in [Language.zh, .en] {
            let text = IssueMessages.text(code, Self.documentedArguments[code]!, language)
            for value in Self.documentedArguments[code]!.values {
                #expect(text.contains(value), "\(value) missing from \(text)")
            }
        }
    }

    @Test(arguments: IssueCode.allCases)
    func theChineseIsChineseAndTheEnglishIsNot(code: IssueCode) {
        let zh = IssueMessages.text(code, Self.documentedArguments[code] ?? [:], .zh)
        let en = IssueMessages.text(code, Self.documentedArguments[code] ?? [:], .en)
        #expect(zh.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
        #expect(en.unicodeScalars.allSatisfy { $0.value < 0x3000 })
        #expect(zh != en)
    }

    @Test func aBenefitThatExistsIsNamedByItsKindAndStatusInEachLanguage() {
        let arguments = Self.documentedArguments[.benefitExists]!
        #expect(IssueMessages.text(.benefitExists, arguments, .zh) == "该人员已在经办机构 320102 享受基本养老金（暂停），不能重复接续")
        #expect(
            IssueMessages.text(.benefitExists, arguments, .en)
                == "The person receives a basic pension already (suspended), at office 320102."
        )
    }

    @Test func messagesAreDistinctPerCode() {
        #expect(Set(IssueCode.allCases.map { IssueMessages.text($0, [:], .zh) }).count == IssueCode.allCases.count)
        #expect(Set(IssueCode.allCases.map { IssueMessages.text($0, [:], .en) }).count == IssueCode.allCases.count)
    }

    @Test func theBriefsExamplesReadAsWritten() {
        #expect(IssueMessages.text(.citizenIDCheckCharacter, [:], .zh) == "公民身份号码校验码错误，请核对号码")
        #expect(
            IssueMessages.text(
                .baseBelowFloor,
                ["declared": "3000.00", "floor": "4500.00", "ceiling": "22500.00"],
                .zh
            )
                == "申报工资 3000.00 元低于缴费基数下限 4500.00 元（本地区基数范围 4500.00–22500.00 元），按下限 4500.00 元核定"
        )
    }

    @Test func valuesAreShownAsTheLanguageWritesThem() {
        #expect(IssueMessages.text(.genderMismatch, ["derived": "female"], .zh).contains("女"))
        #expect(IssueMessages.text(.genderMismatch, ["derived": "female"], .en).contains("female"))
        #expect(IssueMessages.text(.employerNotAllowed, ["scheme": "390"], .zh).hasPrefix("城乡居民基本医疗保险（390）"))
        #expect(IssueMessages.text(.schemeRepeated, ["scheme": "410"], .en).contains("work injury insurance (410)"))
        #expect(IssueMessages.text(.schemeRepeated, ["scheme": "999"], .en).contains("999"))
        #expect(IssueMessages.text(.employerInactive, ["status": "closed"], .zh).contains("注销"))
        #expect(IssueMessages.text(.notAllowed, ["allowed": "urban,rural"], .zh).hasSuffix("城镇（urban）、农村（rural）"))
        #expect(IssueMessages.text(.notAllowed, ["allowed": "urban,rural"], .en).contains("urban, rural"))
    }

    @Test func aMissingArgumentLeavesItsPlaceholder() {
        #expect(IssueMessages.text(.tooLong, [:], .en) == "Too long: at most {max} characters.")
        #expect(IssueMessages.text(.tooLong, ["max": "{max}"], .en) == "Too long: at most {max} characters.")
    }

    @Test func anIssueGivesItsMessage() {
        let issue = ValidationIssue(field: "riskClass", code: .outOfRange, arguments: ["min": "1", "max": "8"])
        #expect(issue.message(.zh) == "数值超出范围，应在 1 至 8 之间")
        #expect(issue.message(.en) == "The value must be between 1 and 8.")
    }
}
