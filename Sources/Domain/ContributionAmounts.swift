/// What one month of one scheme costs for one insured person: the base, the rates, and the
/// amount of each party.
public struct ContributionAmounts: Sendable, Hashable, Codable {
    /// Which bound the base was held to.
    public enum Clamp: String, Sendable, Hashable, Codable {
        /// The declared wage was below the floor; the floor is the base.
        case floor
        /// The declared wage was above the ceiling; the ceiling is the base.
        case ceiling
    }

    /// The scheme's code, `110` … `510`.
    public var schemeCode: String
    /// The monthly wage the employer declared.
    public var declaredWageFen: Int64
    /// The declared wage held within the floor and the ceiling.
    public var baseFen: Int64
    /// The bound the base was held to; nil when the declared wage is the base.
    public var clamp: Clamp?
    /// The employer's rate applied, in parts per million: the risk class's for work injury.
    public var employerRatePPM: Int
    /// The person's rate applied, in parts per million.
    public var personalRatePPM: Int
    /// What the employer pays: the base × its rate, half-up to the fen.
    public var employerFen: Int64
    /// What the person pays, withheld by the employer: the base × their rate, half-up to the fen.
    public var personalFen: Int64

    public init(
        schemeCode: String,
        declaredWageFen: Int64,
        baseFen: Int64,
        clamp: Clamp?,
        employerRatePPM: Int,
        personalRatePPM: Int,
        employerFen: Int64,
        personalFen: Int64
    ) {
        self.schemeCode = schemeCode
        self.declaredWageFen = declaredWageFen
        self.baseFen = baseFen
        self.clamp = clamp
        self.employerRatePPM = employerRatePPM
        self.personalRatePPM = personalRatePPM
        self.employerFen = employerFen
        self.personalFen = personalFen
    }

    /// What both parties pay.
    public var totalFen: Int64 { self.employerFen + self.personalFen }
}
