/// The text of each ``IssueCode`` in the operator's Chinese and in English.
public enum IssueMessages {
    /// The message of `code` in `language`, with each `{name}` filled from `arguments`.
    ///
    /// Values are shown as the language writes them: a gender as 男/女, a scheme code with its
    /// name, an employer status in words, a list of allowed values with the language's
    /// separator. A placeholder without an argument is left as it is.
    ///
    /// - Parameters:
    ///   - code: The issue's code.
    ///   - arguments: The issue's arguments, named as ``IssueCode`` lists them.
    ///   - language: The language of the message.
    /// - Returns: The message.
    public static func text(_ code: IssueCode, _ arguments: [String: String], _ language: Language) -> String {
        let template =
            switch language {
            case .zh: Self.chinese(code)
            case .en: Self.english(code)
            }
        return Self.fill(template) { name in
            arguments[name].map { Self.render(name, $0, code, language) }
        }
    }

    /// `template` with each `{name}` replaced by `value(name)`, or left when that is nil.
    static func fill(_ template: String, _ value: (String) -> String?) -> String {
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += value(name) ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// An argument's value as `language` writes it.
    static func render(_ name: String, _ value: String, _ code: IssueCode, _ language: Language) -> String {
        switch (name, code) {
        case ("derived", .genderMismatch):
            guard let gender = Gender(rawValue: value) else { return value }
            return switch (gender, language) {
            case (.male, .zh): "男"
            case (.female, .zh): "女"
            case (_, .en): gender.rawValue
            }
        case ("scheme", _), ("conflicting", _):
            guard let scheme = Scheme(rawValue: value) else { return value }
            return switch language {
            case .zh: "\(scheme.nameZh)（\(value)）"
            case .en: "\(scheme.nameEn) (\(value))"
            }
        case ("status", _):
            return switch (value, language) {
            case ("active", .zh): "正常"
            case ("suspended", .zh): "暂停"
            case ("closed", .zh): "注销"
            case ("ended", .zh): "终止"
            default: value
            }
        case ("kind", _):
            return BenefitKind(rawValue: value)?.name(language) ?? value
        case ("expected", _):
            let values = value.split(separator: ",").map { Self.renderType(String($0), language) }
            return values.joined(separator: language == .zh ? "或" : " or ")
        case ("allowed", _):
            let values = value.split(separator: ",").map { Self.renderAllowed(String($0), language) }
            return values.joined(separator: language == .zh ? "、" : ", ")
        default:
            return value
        }
    }

    /// A JSON type's name in `language`.
    static func renderType(_ type: String, _ language: Language) -> String {
        guard language == .zh else { return type }
        return switch type {
        case "string": "文本（string）"
        case "integer": "整数（integer）"
        case "number": "数字（number）"
        case "boolean": "布尔值（boolean）"
        case "array": "数组（array）"
        case "object": "对象（object）"
        case "null": "空值（null）"
        default: type
        }
    }

    /// One allowed value: the Chinese of the payloads' enumerated values, a code otherwise.
    static func renderAllowed(_ value: String, _ language: Language) -> String {
        guard language == .zh else { return value }
        return switch value {
        case "male": "男（male）"
        case "female": "女（female）"
        case "urban": "城镇（urban）"
        case "rural": "农村（rural）"
        case "left_employer": "离职（left_employer）"
        case "retired": "退休（retired）"
        case "deceased": "死亡（deceased）"
        case "emigrated": "出国定居（emigrated）"
        case "transferred": "转移（transferred）"
        case "other": "其他（other）"
        default: value
        }
    }

    static func chinese(_ code: IssueCode) -> String {
        switch code {
        case .required: "此项为必填项"
        case .tooLong: "内容过长，最多 {max} 个字符"
        case .notAllowed: "取值无效，可选值为：{allowed}"
        case .invalidDate: "日期无效，应为“YYYY-MM-DD”格式的真实日期"
        case .invalidPeriod: "期间无效，应为“YYYYMM”格式的年月，如 202401"
        case .amountOutOfRange: "金额超出范围，应在 0 至 {max} 元之间"
        case .outOfRange: "数值超出范围，应在 {min} 至 {max} 之间"
        case .wrongType: "类型错误，应为{expected}"
        case .unknownField: "不认识的字段：本请求没有此项"
        case .tooShort: "内容过短，至少 {min} 个字符"
        case .patternMismatch: "格式不符合要求（{pattern}）"
        case .controlCharacter: "不能含有控制字符（如 NUL 或此处不允许的换行）"
        case .tooFewItems: "至少需要 {min} 项"
        case .tooManyItems: "最多 {max} 项"
        case .invalidDateTime: "时间格式错误，应为 RFC 3339 格式，如 2026-12-03T10:00:00+08:00"
        case .shapeMismatch: "内容不符合此处允许的任何一种结构"
        case .invalidJSON: "请求体不是有效的 JSON（UTF-8）"
        case .nestedTooDeep: "请求体嵌套过深，最多 {max} 层"
        case .citizenIDLength: "公民身份号码位数错误，应为 18 位（旧号码为 15 位）"
        case .citizenIDCharacters: "公民身份号码含有无效字符：前 17 位应为数字，末位为数字或 X"
        case .citizenIDCheckCharacter: "公民身份号码校验码错误，请核对号码"
        case .citizenIDBirthDate: "公民身份号码中的出生日期（第 7–14 位）不是有效日期"
        case .citizenIDFutureBirthDate: "公民身份号码中的出生日期晚于今天，请核对号码"
        case .citizenIDRegion: "公民身份号码前两位不是有效的省级行政区划代码，请核对号码"
        case .citizenIDConverted: "15 位旧身份号码已升位为 18 位号码 {converted}，请核对"
        case .genderMismatch: "性别与公民身份号码不符，号码对应的性别为{derived}"
        case .birthDateMismatch: "出生日期与公民身份号码不符，号码对应的出生日期为 {derived}"
        case .nameInvalid: "姓名格式错误：应为汉字（少数民族姓名各部分之间用间隔号“·”分隔）或外文字母"
        case .mobileInvalid: "手机号码格式错误，应为 1 开头的 11 位数字"
        case .creditCodeLength: "统一社会信用代码位数错误，应为 18 位"
        case .creditCodeCharacters: "统一社会信用代码含有无效字符：不使用字母 I、O、S、V、Z，第 3–8 位应为数字"
        case .creditCodeCheckCharacter: "统一社会信用代码校验码错误，请核对代码"
        case .creditCodeOrganisationCheck: "统一社会信用代码第 9–17 位的组织机构代码校验不符，请核对代码"
        case .bankCardLength: "银行卡号格式错误，应为 {min}–{max} 位数字"
        case .bankCardCheckDigit: "银行卡号校验位错误，请核对卡号"
        case .socialSecurityCardInvalid: "社会保障卡号格式错误，应为 1–20 位数字或大写字母"
        case .schemeUnknown: "险种代码无效，可选险种为：{allowed}"
        case .schemeRepeated: "险种 {scheme} 在本次申请中重复"
        case .citizenIDRepeated: "该公民身份号码与第 {line} 行重复"
        case .industryCodeInvalid: "行业代码格式错误，应为门类字母 A–T 加至多 4 位数字（GB/T 4754）"
        case .phoneInvalid: "联系电话格式错误，应为 5–20 位数字，可含“+”“-”"
        case .benefitAmountOutOfRange: "月待遇金额超出范围，应在 {min} 至 {max} 元之间"
        case .benefitEndBeforeStart: "待遇终止期间早于起始期间 {start}"
        case .enrolmentActiveElsewhere: "该人员已在经办机构 {office} 参加此险种且处于参保状态，不能重复参保"
        case .enrolmentAlreadyActive: "该人员已在本经办机构参加此险种且处于参保状态，不能重复参保"
        case .enrolmentConflictingScheme: "该人员正在参加{conflicting}，不能同时参加{scheme}"
        case .enrolmentNotFound: "未找到该参保记录"
        case .enrolmentNotActive: "该参保记录不是参保缴费状态"
        case .enrolmentEndBeforeStart: "停保期间早于参保起始期间 {start}"
        case .baseBelowFloor:
            "申报工资 {declared} 元低于缴费基数下限 {floor} 元（本地区基数范围 {floor}–{ceiling} 元），按下限 {floor} 元核定"
        case .baseAboveCeiling:
            "申报工资 {declared} 元高于缴费基数上限 {ceiling} 元（本地区基数范围 {floor}–{ceiling} 元），按上限 {ceiling} 元核定"
        case .baseRequired: "职工险种须填写申报月工资"
        case .policyMissing: "未找到地区 {region}、险种 {scheme}、期间 {period} 的缴费政策，请联系系统管理员"
        case .employerRequired: "职工险种须填写参保单位"
        case .employerNotAllowed: "{scheme}为居民险种，不填写参保单位"
        case .employerNotFound: "在本经办机构范围内未找到该参保单位"
        case .employerInactive: "参保单位状态为“{status}”，不能办理此业务"
        case .employerAlreadyRegistered: "该统一社会信用代码已在经办机构 {office} 登记"
        case .personNotFound: "在本经办机构范围内未找到该公民身份号码的参保人员"
        case .personMismatch: "公民身份号码与所选参保人员（personId）的记录不符"
        case .personAlreadyRegistered: "该公民身份号码已在经办机构 {office} 登记"
        case .ageBelowWorkingAge: "年龄 {age} 周岁，未满法定劳动年龄 {minimum} 周岁，不能参加职工险种"
        case .ageAboveRetirement: "年龄 {age} 周岁，已超过法定退休年龄，请核实是否继续参加职工养老保险"
        case .newbornTooOld: "已出生 {days} 天，超过一周岁，不能按新生儿参保办理"
        case .newbornOutsideWindow: "出生 {days} 天后参保，超过 {window} 天的新生儿参保期限：待遇自缴费后开始，不追溯至出生之日"
        case .guardianNotFound: "监护人未在本系统登记为参保人员"
        case .periodFarAhead: "起始期间 {period} 晚于本月 12 个月以上，请核实"
        case .periodBeforeBirth: "起始期间 {period} 早于出生年月"
        case .nothingChanged: "没有需要变更的信息"
        case .transferOfficeInvalid: "转入经办机构 {office} 不存在或为本人当前参保的经办机构"
        case .applicationPending: "该人员已有同类业务申请 {application} 正在办理中"
        case .benefitExists: "该人员已在经办机构 {office} 享受{kind}（{status}），不能重复接续"
        case .bankNotFound: "代发银行代码无效，可选银行为：{allowed}"
        }
    }

    static func english(_ code: IssueCode) -> String {
        switch code {
        case .required: "This field is required."
        case .tooLong: "Too long: at most {max} characters."
        case .notAllowed: "Not an allowed value; allowed: {allowed}."
        case .invalidDate: "Not a real date in the form YYYY-MM-DD."
        case .invalidPeriod: "Not a period in the form YYYYMM, such as 202401."
        case .amountOutOfRange: "The amount must be between 0 and {max} yuan."
        case .outOfRange: "The value must be between {min} and {max}."
        case .wrongType: "Wrong type: expected {expected}."
        case .unknownField: "Unknown field: this request has no such member."
        case .tooShort: "Too short: at least {min} characters."
        case .patternMismatch: "Not of the required form ({pattern})."
        case .controlCharacter: "Must not contain control characters (NUL, or a line break where one line is expected)."
        case .tooFewItems: "At least {min} items are needed."
        case .tooManyItems: "At most {max} items are allowed."
        case .invalidDateTime: "Not an RFC 3339 date and time, such as 2026-12-03T10:00:00+08:00."
        case .shapeMismatch: "Matches none of the shapes allowed here."
        case .invalidJSON: "The body is not valid JSON (UTF-8)."
        case .nestedTooDeep: "The body nests too deeply: at most {max} levels."
        case .citizenIDLength: "A citizen ID number has 18 characters (a legacy number 15 digits)."
        case .citizenIDCharacters: "A citizen ID number is 17 digits and a final digit or X."
        case .citizenIDCheckCharacter: "The check character of the citizen ID number is wrong; please check the number."
        case .citizenIDBirthDate: "The birth date in the citizen ID number (characters 7–14) is not a real date."
        case .citizenIDFutureBirthDate:
            "The birth date in the citizen ID number is in the future; please check the number."
        case .citizenIDRegion:
            "The first two digits of the citizen ID number are not a province code; please check the number."
        case .citizenIDConverted:
            "The legacy 15-digit number was converted to the 18-character number {converted}; please check it."
        case .genderMismatch: "The gender does not match the citizen ID number, which gives {derived}."
        case .birthDateMismatch: "The birth date does not match the citizen ID number, which gives {derived}."
        case .nameInvalid:
            "A name is Chinese characters (with · between the parts of a transliterated name) or Latin letters."
        case .mobileInvalid: "Not a mainland mobile number: 11 digits starting with 1."
        case .creditCodeLength: "A unified social credit code has 18 characters."
        case .creditCodeCharacters:
            "The credit code has an invalid character: no I, O, S, V or Z, and characters 3–8 are digits."
        case .creditCodeCheckCharacter: "The check character of the credit code is wrong; please check the code."
        case .creditCodeOrganisationCheck:
            "The organisation code in characters 9–17 of the credit code fails its check; please check the code."
        case .bankCardLength: "A bank card number has {min} to {max} digits."
        case .bankCardCheckDigit: "The check digit of the bank card number is wrong; please check the number."
        case .socialSecurityCardInvalid: "A social security card number is 1 to 20 digits or capital letters."
        case .schemeUnknown: "Not a scheme this system handles; schemes: {allowed}."
        case .schemeRepeated: "The scheme {scheme} appears more than once in this application."
        case .citizenIDRepeated: "This citizen ID repeats line {line}."
        case .industryCodeInvalid: "An industry code (GB/T 4754) is a section letter A–T and up to four digits."
        case .phoneInvalid: "A telephone number is 5 to 20 digits, with + and - allowed."
        case .benefitAmountOutOfRange: "The monthly amount must be between {min} and {max} yuan."
        case .benefitEndBeforeStart: "The end period is before the benefit's start period {start}."
        case .enrolmentActiveElsewhere: "Already actively enrolled in this scheme at office {office}."
        case .enrolmentAlreadyActive: "Already actively enrolled in this scheme at this office."
        case .enrolmentConflictingScheme: "Actively enrolled in {conflicting}, which excludes {scheme}."
        case .enrolmentNotFound: "No enrolment with that ID in your offices."
        case .enrolmentNotActive: "The enrolment is not active."
        case .enrolmentEndBeforeStart: "The end period is before the enrolment's start period {start}."
        case .baseBelowFloor:
            "The declared wage of {declared} yuan is below the base floor of {floor} yuan (the region's range is {floor} to {ceiling} yuan); the base is {floor} yuan."
        case .baseAboveCeiling:
            "The declared wage of {declared} yuan is above the base ceiling of {ceiling} yuan (the region's range is {floor} to {ceiling} yuan); the base is {ceiling} yuan."
        case .baseRequired: "An employee scheme needs the declared monthly wage."
        case .policyMissing:
            "No contribution policy for region {region}, scheme {scheme} and period {period}; please tell the administrator."
        case .employerRequired: "An employee scheme needs the employer."
        case .employerNotAllowed: "{scheme} is a residents' scheme and takes no employer."
        case .employerNotFound: "No employer with that ID or credit code in your offices."
        case .employerInactive: "The employer is {status}."
        case .employerAlreadyRegistered: "The credit code is registered already, at office {office}."
        case .personNotFound: "No person with that citizen ID number in your offices."
        case .personMismatch: "The citizen ID number is not the one of the person named by personId."
        case .personAlreadyRegistered: "The citizen ID number is registered already, at office {office}."
        case .ageBelowWorkingAge: "Aged {age}, below the legal working age of {minimum} for an employee scheme."
        case .ageAboveRetirement:
            "Aged {age}, past the statutory retirement age; please confirm the employee pension enrolment."
        case .newbornTooOld: "Born {days} days ago, more than a year: not a newborn enrolment."
        case .newbornOutsideWindow:
            "Enrolled {days} days after birth, later than {window} days: cover starts after payment, not at birth."
        case .guardianNotFound: "The guardian is not a registered person."
        case .periodFarAhead: "The start period {period} is more than 12 months ahead; please check it."
        case .periodBeforeBirth: "The start period {period} is before the month of birth."
        case .nothingChanged: "Nothing to change."
        case .transferOfficeInvalid: "The office {office} does not exist or is the person's own."
        case .applicationPending: "The person has application {application} of the same kind under way."
        case .benefitExists: "The person receives a {kind} already ({status}), at office {office}."
        case .bankNotFound: "No bank of that code pays benefits; banks: {allowed}."
        }
    }
}
