/// The kinds of benefit (待遇) a person receives, as the `benefit.kind` column holds them, and
/// the scheme each is paid from.
public enum BenefitKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// 基本养老金: the monthly pension.
    case basicPension = "basic_pension"
    /// 失业保险金: monthly while unemployed.
    case unemploymentBenefit = "unemployment_benefit"
    /// 伤残津贴: monthly, for disability grades 1–4 (5–6).
    case disabilityAllowance = "disability_allowance"
    /// 遗属待遇 (抚恤金): monthly, to the survivors of an insured person.
    case survivorPension = "survivor_pension"
    /// 一次性伤残补助金: a lump sum by grade.
    case oneOffDisabilitySubsidy = "one_off_disability_subsidy"
    /// 医疗费用报销: paying back covered medical costs.
    case medicalReimbursement = "medical_reimbursement"

    /// The kinds paid every month, which a benefit record with a monthly amount stands for and
    /// which a takeover from a previous system may bring in.
    public static let recurring: [BenefitKind] = Self.allCases.filter(\.isRecurring)

    /// Whether it is paid every month (not once).
    public var isRecurring: Bool {
        switch self {
        case .basicPension, .unemploymentBenefit, .disabilityAllowance, .survivorPension: true
        case .oneOffDisabilitySubsidy, .medicalReimbursement: false
        }
    }

    /// The scheme it is paid from (the `benefit.scheme_code`): a pension and a survivor's pension
    /// from the employees' pension fund (110), the unemployment benefit from 210, the disability
    /// allowance and subsidy from work injury (410), reimbursement from employees' medical (310).
    public var scheme: Scheme {
        switch self {
        case .basicPension, .survivorPension: .enterprisePension
        case .unemploymentBenefit: .unemployment
        case .disabilityAllowance, .oneOffDisabilitySubsidy: .workInjury
        case .medicalReimbursement: .employeeMedical
        }
    }

    /// The name in `language`.
    public func name(_ language: Language) -> String {
        let names: (zh: String, en: String) =
            switch self {
            case .basicPension: ("基本养老金", "basic pension")
            case .unemploymentBenefit: ("失业保险金", "unemployment benefit")
            case .disabilityAllowance: ("伤残津贴", "disability allowance")
            case .survivorPension: ("遗属待遇", "survivor's pension")
            case .oneOffDisabilitySubsidy: ("一次性伤残补助金", "one-off disability subsidy")
            case .medicalReimbursement: ("医疗费用报销", "medical reimbursement")
            }
        return language == .en ? names.en : names.zh
    }
}
