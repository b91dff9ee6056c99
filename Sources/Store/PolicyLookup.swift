public import Domain
public import Postgres

/// The region's policy figures, as data: contribution rates, bases and named values, each valid
/// for a span of dates. A figure is the office's own region's, else its city's, else its
/// province's (region codes `320102` → `320100` → `320000`); the most specific wins.
public enum PolicyLookup {
    /// The contribution policy for `scheme` in force on `date` for region `regionCode`.
    ///
    /// - Returns: the rates, or nil when no region of the chain has one for that date.
    /// - Throws: ``PostgresError``.
    public static func contributionRates(
        region regionCode: String,
        scheme: Scheme,
        on date: CalendarDate,
        connection: PostgresConnection
    ) throws -> ContributionRates? {
        guard let row = try connection.query(Self.findRates, [regionCode, scheme.rawValue, date.iso]).first else {
            return nil
        }
        return ContributionRates(
            schemeCode: scheme.rawValue,
            employerRatePPM: try row.decode("employer_rate_ppm", as: Int.self),
            personalRatePPM: try row.decode("personal_rate_ppm", as: Int.self),
            employerRatePPMByRiskClass: try row.decode("by_class", as: [Int]?.self),
            baseFloorFen: try row.decode("base_floor_fen", as: Int64.self),
            baseCeilingFen: try row.decode("base_ceiling_fen", as: Int64.self),
            averageWageFen: try row.decode("average_wage_fen", as: Int64.self)
        )
    }

    /// The named policy value (`newborn_enrolment_days`, say) in force on `date` for region
    /// `regionCode`, by the same chain.
    ///
    /// - Returns: the value, or nil when none is set.
    /// - Throws: ``PostgresError``.
    public static func value(
        _ name: String,
        region regionCode: String,
        on date: CalendarDate,
        connection: PostgresConnection
    ) throws -> Int? {
        try connection.query(Self.findValue, [regionCode, name, date.iso]).single().decode(0, as: Int?.self)
    }

    static let findRates = PreparedStatement(
        """
        SELECT employer_rate_ppm, personal_rate_ppm, employer_rate_ppm_by_risk_class AS by_class, base_floor_fen, \
        base_ceiling_fen, average_wage_fen FROM shebao.contribution_policy \
        WHERE region_code IN ($1, left($1, 4) || '00', left($1, 2) || '0000') AND scheme_code = $2 \
        AND daterange(valid_from, valid_to) @> $3::date ORDER BY region_code DESC LIMIT 1
        """
    )
    static let findValue = PreparedStatement("SELECT shebao.policy_value($1, $2, $3::date)")
}
