/// The monthly contribution of one scheme for one insured person (domain-rules §6).
public enum Contribution {
    /// The base and the amounts due for a declared monthly wage.
    ///
    /// The base is the declared wage held between the policy's floor and ceiling (§6.1; the floor
    /// wins if a policy's bounds cross). The employer's rate is the risk class's when the policy
    /// has rates by class (work injury, §6.2), the flat rate otherwise. Each party's amount is
    /// the base times its rate, rounded half-up to the fen (§6.3).
    ///
    /// - Parameters:
    ///   - declaredWageFen: The declared monthly wage.
    ///   - rates: The scheme's policy for the region and month.
    ///   - riskClass: The employer's work-injury risk class 1–8, if any.
    /// - Returns: The base and the amounts.
    public static func compute(declaredWageFen: Int64, rates: ContributionRates, riskClass: Int?) -> ContributionAmounts
    {
        let baseFen: Int64
        let clamp: ContributionAmounts.Clamp?
        if declaredWageFen < rates.baseFloorFen {
            (baseFen, clamp) = (rates.baseFloorFen, .floor)
        } else if declaredWageFen > rates.baseCeilingFen {
            (baseFen, clamp) = (rates.baseCeilingFen, .ceiling)
        } else {
            (baseFen, clamp) = (declaredWageFen, nil)
        }
        let employerRatePPM = rates.employerRatePPM(riskClass: riskClass)
        return ContributionAmounts(
            schemeCode: rates.schemeCode,
            declaredWageFen: declaredWageFen,
            baseFen: baseFen,
            clamp: clamp,
            employerRatePPM: employerRatePPM,
            personalRatePPM: rates.personalRatePPM,
            employerFen: Money.amount(baseFen: baseFen, ratePPM: employerRatePPM),
            personalFen: Money.amount(baseFen: baseFen, ratePPM: rates.personalRatePPM)
        )
    }

    /// The warnings of a base held to a bound: ``IssueCode/baseBelowFloor`` or
    /// ``IssueCode/baseAboveCeiling``, with the declared wage and both bounds in yuan.
    ///
    /// - Parameters:
    ///   - amounts: What ``compute(declaredWageFen:rates:riskClass:)`` returned.
    ///   - rates: The policy it was computed with.
    ///   - field: The payload field of the declared wage.
    /// - Returns: One warning when the base was clamped, none otherwise.
    public static func baseIssues(
        _ amounts: ContributionAmounts,
        rates: ContributionRates,
        field: String
    ) -> [ValidationIssue] {
        let code: IssueCode
        switch amounts.clamp {
        case nil: return []
        case .floor: code = .baseBelowFloor
        case .ceiling: code = .baseAboveCeiling
        }
        let arguments = [
            "declared": Money.yuan(amounts.declaredWageFen),
            "floor": Money.yuan(rates.baseFloorFen),
            "ceiling": Money.yuan(rates.baseCeilingFen),
        ]
        return [ValidationIssue(field: field, code: code, severity: .warning, arguments: arguments)]
    }
}
