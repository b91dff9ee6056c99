/// The insurance schemes (险种) this system handles, by their codes (domain-rules §5: the HRSS
/// `AAE140` codes, and the NHSA `insutype` 390 for residents' medical insurance).
public enum Scheme: String, Sendable, Hashable, CaseIterable, Codable {
    /// 企业职工基本养老保险.
    case enterprisePension = "110"
    /// 机关事业单位工作人员基本养老保险.
    case publicInstitutionPension = "120"
    /// 城乡居民基本养老保险.
    case residentPension = "170"
    /// 失业保险.
    case unemployment = "210"
    /// 职工基本医疗保险 (including maternity since the 2019 merger).
    case employeeMedical = "310"
    /// 城乡居民基本医疗保险.
    case residentMedical = "390"
    /// 工伤保险.
    case workInjury = "410"
    /// 生育保险.
    case maternity = "510"

    /// The youngest a person enrolled in an employee scheme may be: employers may not take on
    /// anyone under sixteen (Labour Law art. 15).
    public static let minimumEmployeeAge = 16

    /// The codes of all schemes, comma-separated: the `allowed` argument of
    /// ``IssueCode/schemeUnknown``.
    public static var allCodes: String { Self.allCases.map(\.rawValue).joined(separator: ",") }

    /// Whether a person is enrolled through an employer, who declares the wage: every scheme but
    /// the residents' pension (170) and medical insurance (390), which a person joins alone.
    public var isEmployeeScheme: Bool {
        switch self {
        case .residentPension, .residentMedical: false
        case .enterprisePension, .publicInstitutionPension, .unemployment, .employeeMedical, .workInjury, .maternity:
            true
        }
    }

    /// The schemes a person may not be actively enrolled in at the same time as this one: a
    /// person has one basic pension and one basic medical insurance, as an employee or as a
    /// resident.
    public var conflicting: [Scheme] {
        switch self {
        case .enterprisePension, .publicInstitutionPension: [.residentPension]
        case .residentPension: [.enterprisePension, .publicInstitutionPension]
        case .employeeMedical: [.residentMedical]
        case .residentMedical: [.employeeMedical]
        case .unemployment, .workInjury, .maternity: []
        }
    }

    /// The name in Chinese.
    public var nameZh: String {
        switch self {
        case .enterprisePension: "企业职工基本养老保险"
        case .publicInstitutionPension: "机关事业单位工作人员基本养老保险"
        case .residentPension: "城乡居民基本养老保险"
        case .unemployment: "失业保险"
        case .employeeMedical: "职工基本医疗保险"
        case .residentMedical: "城乡居民基本医疗保险"
        case .workInjury: "工伤保险"
        case .maternity: "生育保险"
        }
    }

    /// The name in English.
    public var nameEn: String {
        switch self {
        case .enterprisePension: "enterprise employees' basic pension insurance"
        case .publicInstitutionPension: "public institution staff basic pension insurance"
        case .residentPension: "urban and rural residents' basic pension insurance"
        case .unemployment: "unemployment insurance"
        case .employeeMedical: "employees' basic medical insurance"
        case .residentMedical: "urban and rural residents' basic medical insurance"
        case .workInjury: "work injury insurance"
        case .maternity: "maternity insurance"
        }
    }

    /// The name in `language`.
    public func name(_ language: Language) -> String {
        switch language {
        case .zh: self.nameZh
        case .en: self.nameEn
        }
    }
}
