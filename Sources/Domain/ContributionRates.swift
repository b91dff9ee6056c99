/// The contribution policy of one scheme in one region and month: the rates of each party and
/// the bounds of the base (domain-rules §6.1, §6.2). Figures are loaded from the policy tables,
/// never computed here: provinces round the published bounds their own way.
public struct ContributionRates: Sendable, Hashable, Codable {
    /// The scheme's code, `110` … `510`.
    public var schemeCode: String
    /// The employer's rate in parts per million (16% is 160000).
    public var employerRatePPM: Int
    /// The person's rate in parts per million; 0 for work injury and maternity.
    public var personalRatePPM: Int
    /// The employer's rate for each work-injury risk class 1–8, in that order, when the rate
    /// depends on the class (scheme 410); nil otherwise.
    public var employerRatePPMByRiskClass: [Int]?
    /// The lowest base, normally 60% of the reference average wage.
    public var baseFloorFen: Int64
    /// The highest base, normally 300% of the reference average wage.
    public var baseCeilingFen: Int64
    /// The reference average monthly wage the bounds derive from.
    public var averageWageFen: Int64

    public init(
        schemeCode: String,
        employerRatePPM: Int,
        personalRatePPM: Int,
        employerRatePPMByRiskClass: [Int]? = nil,
        baseFloorFen: Int64,
        baseCeilingFen: Int64,
        averageWageFen: Int64
    ) {
        self.schemeCode = schemeCode
        self.employerRatePPM = employerRatePPM
        self.personalRatePPM = personalRatePPM
        self.employerRatePPMByRiskClass = employerRatePPMByRiskClass
        self.baseFloorFen = baseFloorFen
        self.baseCeilingFen = baseCeilingFen
        self.averageWageFen = averageWageFen
    }

    /// The employer's rate for an employer of `riskClass`: the class's entry when the rates go
    /// by class and the class is 1–8 with an entry, the flat rate otherwise.
    public func employerRatePPM(riskClass: Int?) -> Int {
        guard let byClass = self.employerRatePPMByRiskClass, let riskClass, (1...8).contains(riskClass),
            riskClass <= byClass.count
        else { return self.employerRatePPM }
        return byClass[riskClass - 1]
    }
}
