/// A kind of benefit (待遇) the agency pays, as the `benefit.kind` column holds it.
public enum BenefitKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// 基本养老金: the monthly basic pension.
    case basicPension = "basic_pension"
    /// 失业保险金: unemployment benefit, monthly for a limited time.
    case unemploymentBenefit = "unemployment_benefit"
    /// 伤残津贴: the monthly disability allowance of work injury insurance.
    case disabilityAllowance = "disability_allowance"
    /// 供养亲属抚恤金: the survivors' pension.
    case survivorPension = "survivor_pension"
    /// 一次性伤残补助金: a one-off disability subsidy.
    case oneOffDisabilitySubsidy = "one_off_disability_subsidy"
    /// 医疗费用报销: a medical reimbursement.
    case medicalReimbursement = "medical_reimbursement"

    /// The kind in words, in `language`.
    public func name(_ language: Language) -> String {
        let names: (zh: String, en: String) =
            switch self {
            case .basicPension: ("基本养老金", "basic pension")
            case .unemploymentBenefit: ("失业保险金", "unemployment benefit")
            case .disabilityAllowance: ("伤残津贴", "disability allowance")
            case .survivorPension: ("供养亲属抚恤金", "survivors' pension")
            case .oneOffDisabilitySubsidy: ("一次性伤残补助金", "one-off disability subsidy")
            case .medicalReimbursement: ("医疗费用报销", "medical reimbursement")
            }
        return language == .en ? names.en : names.zh
    }
}
