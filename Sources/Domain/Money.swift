/// Amounts of money as integer fen (0.01 yuan), never binary floating point (domain-rules §6.3).
public enum Money {
    /// An amount in yuan with two decimals and no grouping: `4500.00`, `-0.05`.
    public static func yuan(_ fen: Int64) -> String {
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return (fen < 0 ? "-" : "") + String(magnitude / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// The fen of an amount written in yuan: digits, optionally a point and one or two decimals
    /// (`4500`, `4500.5`, `4500.50`). No sign, grouping, white space or exponent.
    ///
    /// - Returns: nil when the text is anything else or the amount does not fit in `Int64`.
    public static func parseYuan(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, String(whole).isASCIIDigits else { return nil }
        var fraction = ""
        if parts.count == 2 {
            fraction = String(parts[1])
            guard fraction.isASCIIDigits, fraction.utf8.count <= 2 else { return nil }
        }
        // One decimal is tenths: "4500.5" is 4500.50.
        guard let yuan = Int64(whole),
            let cents = Int64(fraction + String(repeating: "0", count: 2 - fraction.utf8.count))
        else { return nil }
        let (scaled, overflow) = yuan.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        let (fen, overflowAdding) = scaled.addingReportingOverflow(cents)
        return overflowAdding ? nil : fen
    }

    /// `base × rate`, rounded half-up to the fen (half away from zero for a negative base): each
    /// line of a contribution, one scheme × one party × one month (domain-rules §6.3).
    ///
    /// Set-based SQL computes the same line with `shebao.contribution_amount(base_fen, rate_ppm)`
    /// (`sql/0018_contribution_amount.sql`), which mirrors this function to the fen:
    /// `ContributionAmountTests` (StoreTests) holds the two together on every half-fen boundary
    /// and the §6.3 worked table. Change both or neither.
    ///
    /// - Parameters:
    ///   - baseFen: The base in fen.
    ///   - ratePPM: The rate in parts per million: 16% is 160000.
    /// - Returns: The amount in fen.
    /// - Precondition: the amount fits in `Int64`, as it always does for a rate up to 100% and a
    ///   base below 9 × 10¹⁸ fen.
    public static func amount(baseFen: Int64, ratePPM: Int) -> Int64 {
        let product = baseFen.magnitude.multipliedFullWidth(by: UInt64(ratePPM.magnitude))
        precondition(product.high < 1_000_000, "contribution amount beyond Int64")
        let (quotient, remainder) = UInt64(1_000_000).dividingFullWidth(product)
        guard let truncated = Int64(exactly: quotient) else { preconditionFailure("contribution amount beyond Int64") }
        let (magnitude, overflow) = truncated.addingReportingOverflow(remainder >= 500_000 ? 1 : 0)
        precondition(!overflow, "contribution amount beyond Int64")
        return (baseFen < 0) != (ratePPM < 0) ? -magnitude : magnitude
    }

    /// A rate in parts per million as a percentage without trailing zeros: `16%`, `0.5%`,
    /// `0.2%`, `12.25%`.
    public static func percent(ppm: Int) -> String {
        let magnitude = ppm.magnitude
        let whole = magnitude / 10_000
        var fraction = String(zeroPadded: Int(magnitude % 10_000), width: 4)
        while fraction.last == "0" { fraction.removeLast() }
        return (ppm < 0 ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction) + "%"
    }
}
