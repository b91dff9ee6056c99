import Domain
import Postgres
import TestSupport
import Testing

/// `shebao.contribution_amount` (sql/0018_contribution_amount.sql) against Domain's
/// `Money.amount(baseFen:ratePPM:)`: set-based SQL and the application round each line of a
/// contribution the same way, to the fen (domain-rules §6.3).
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"))
struct ContributionAmountTests {
    /// The §6.3 worked example, each party's line as the rules publish it: bases 4,500 (the
    /// floor), 12,000 and 22,500 yuan (the ceiling) at pension 16%/8%, medical 8%/2%,
    /// unemployment 0.5% and work injury 0.2%.
    static let workedTable: [(baseFen: Int64, ratePPM: Int, amountFen: Int64)] = [
        (450_000, 160_000, 72_000), (450_000, 80_000, 36_000), (450_000, 20_000, 9_000), (450_000, 5_000, 2_250),
        (450_000, 2_000, 900), (1_200_000, 160_000, 192_000), (1_200_000, 80_000, 96_000),
        (1_200_000, 20_000, 24_000), (1_200_000, 5_000, 6_000), (1_200_000, 2_000, 2_400),
        (2_250_000, 160_000, 360_000), (2_250_000, 80_000, 180_000), (2_250_000, 20_000, 45_000),
        (2_250_000, 5_000, 11_250), (2_250_000, 2_000, 4_500),
    ]

    /// The worked example's ceiling: no base is above it under that policy.
    static let ceilingFen: Int64 = 2_250_000

    /// The rates of §6.2 (pension, medical with maternity, unemployment before and after its
    /// reduction, the eight work-injury classes), then rates picked for their arithmetic: one
    /// part per million, rates prime to a million (a half-fen boundary once in a million fen),
    /// a floated injury rate, just under and over a half, and all.
    static let rates = [
        0, 160_000, 80_000, 60_000, 20_000, 10_000, 5_000, 2_000, 4_000, 7_000, 9_000, 11_000, 13_000, 16_000, 19_000,
        1, 3, 7, 3_200, 123_457, 166_667, 333_333, 499_999, 500_001, 999_999, 1_000_000,
    ]

    /// Bases where the product's width, not the rounding, is what could go wrong: the largest
    /// base whose product at 100% fits a bigint and the next, and the ends of `Int64`.
    static let extremeBases: [Int64] = [
        9_223_372_036_854, 9_223_372_036_855, 4_611_686_018_427_387_903, .max, .max - 1, .min + 1, .min,
    ]

    /// Every base from 0 to `limit` where `ratePPM` of it is exactly half a fen; none when the
    /// rate never makes a half. They recur every million ÷ gcd(rate, million) fen.
    static func halfFenBases(ratePPM: Int, upTo limit: Int64) -> StrideThrough<Int64> {
        var (a, b) = (ratePPM.magnitude, UInt(1_000_000))
        while b != 0 { (a, b) = (b, a % b) }
        let period = Int64(1_000_000 / a)
        let first = (0..<period).first { $0 * Int64(ratePPM) % 1_000_000 == 500_000 }
        return stride(from: first ?? limit + 1, through: limit, by: Int(period))
    }

    /// The table: the worked example; at every rate, every half-fen base up to the ceiling with
    /// the bases a fen either side; every base from −2,000 to 2,000 fen at every rate and its
    /// negative; the extreme bases at every rate and its negative, bar the one amount (2⁶³ fen)
    /// that fits neither side.
    static func table() -> [(baseFen: Int64, ratePPM: Int)] {
        var lines = Self.workedTable.map { (baseFen: $0.baseFen, ratePPM: $0.ratePPM) }
        for rate in Self.rates {
            for base in Self.halfFenBases(ratePPM: rate, upTo: Self.ceilingFen) {
                lines += [(base - 1, rate), (base, rate), (base + 1, rate)]
            }
            for signed in [rate, -rate] {
                lines += (-2_000...2_000).map { (Int64($0), signed) }
                lines += Self.extremeBases.filter { $0 != .min || signed.magnitude != 1_000_000 }.map { ($0, signed) }
            }
        }
        return lines
    }

    @Test func theWorkedTableComesOutAsPublished() throws {
        for line in Self.workedTable {
            #expect(Money.amount(baseFen: line.baseFen, ratePPM: line.ratePPM) == line.amountFen, "\(line)")
        }
        let database = try TestDatabase.shared()
        let amounts = try database.withConnection { connection in
            try Self.workedTable.map { line in
                try connection.query(
                    "SELECT shebao.contribution_amount($1, $2::integer)",
                    [line.baseFen, line.ratePPM]
                ).single().decode(0, as: Int64.self)
            }
        }
        #expect(amounts == Self.workedTable.map(\.amountFen))
    }

    @Test func theSQLFunctionAndDomainAgreeOnEveryLineOfTheTable() throws {
        let table = Self.table()
        let halves = table.filter {
            $0.baseFen.magnitude % 1_000_000 * UInt64($0.ratePPM.magnitude) % 1_000_000 == 500_000
        }
        #expect(halves.count > 100_000, "the table holds the half-fen boundaries")
        let database = try TestDatabase.shared()
        let (loaded, disagreements) = try database.withConnection { connection in
            try connection.withTransaction { tx in
                try tx.execute(
                    unsafeScript:
                        "CREATE TEMPORARY TABLE agreement (base_fen bigint, rate_ppm integer, domain_fen bigint) ON COMMIT DROP"
                )
                let loaded = try tx.copyFrom("COPY agreement (base_fen, rate_ppm, domain_fen) FROM STDIN") { writer in
                    for line in table {
                        try writer.append([
                            line.baseFen, line.ratePPM, Money.amount(baseFen: line.baseFen, ratePPM: line.ratePPM),
                        ])
                    }
                }
                let disagreements = try tx.query(
                    """
                    SELECT base_fen, rate_ppm, domain_fen, shebao.contribution_amount(base_fen, rate_ppm) AS sql_fen
                    FROM agreement WHERE shebao.contribution_amount(base_fen, rate_ppm) IS DISTINCT FROM domain_fen
                    ORDER BY base_fen, rate_ppm LIMIT 20
                    """
                ).map { row in
                    "\(try row.decode(0, as: Int64.self)) fen at \(try row.decode(1, as: Int.self)) ppm: Domain "
                        + "\(try row.decode(2, as: Int64.self)), SQL \(try row.decode(3, as: Int64?.self).map(String.init) ?? "NULL")"
                }
                return (loaded, disagreements)
            }
        }
        #expect(loaded == table.count)
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
    }

    /// Where Domain stops on a precondition, the SQL function refuses with 22003 instead of
    /// wrapping or answering a number.
    @Test(arguments: [(Int64.max, 1_000_001), (Int64.min, 1_000_000), (Int64.min, -1_000_000)])
    func anAmountBeyondBigintIsRefused(baseFen: Int64, ratePPM: Int) throws {
        let database = try TestDatabase.shared()
        let error = try #require(throws: PostgresError.self) {
            try database.withConnection { connection in
                try connection.query("SELECT shebao.contribution_amount($1, $2::integer)", [baseFen, ratePPM])
            }
        }
        #expect(error.sqlState == .numericValueOutOfRange)
    }

    @Test func theApplicationMayCallItAndThePlannerInlinesIt() throws {
        let database = try TestDatabase.shared()
        try database.withConnection { connection in
            try connection.withTransaction { tx in
                try tx.execute(unsafeScript: "SET LOCAL ROLE shebao_app")
                let amount = try tx.query("SELECT shebao.contribution_amount(1200000, 160000)").single()
                #expect(try amount.decode(0, as: Int64.self) == 192_000)
                // Inlined, the plan shows the function's expression over the rows, not a call per
                // row: what keeps a set-based assessment of millions of lines quick.
                let plan = try tx.query(
                    """
                    EXPLAIN (VERBOSE, COSTS OFF)
                    SELECT shebao.contribution_amount(b, 160000) FROM generate_series(1::bigint, 2) b
                    """
                ).map { try $0.decode(0, as: String.self) }.joined(separator: "\n")
                #expect(!plan.contains("contribution_amount") && plan.contains("div("), "\(plan)")
            }
        }
    }
}
