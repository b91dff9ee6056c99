import Domain
import Testing

struct MoneyTests {
    @Test(arguments: [
        (Int64(450_000), "4500.00"), (-5, "-0.05"), (0, "0.00"), (5, "0.05"), (50, "0.50"), (-100, "-1.00"),
        (123_456_789, "1234567.89"), (Int64.max, "92233720368547758.07"), (Int64.min, "-92233720368547758.08"),
    ])
    func yuanHaveTwoDecimalsAndNoGrouping(fen: Int64, text: String) {
        #expect(Money.yuan(fen) == text)
    }

    @Test(arguments: [
        ("4500", Int64(450_000)), ("4500.5", 450_050), ("4500.50", 450_050), ("0.05", 5), ("0", 0), ("00.10", 10),
        ("0.5", 50), ("92233720368547758.07", Int64.max),
    ])
    func yuanParseToFen(text: String, fen: Int64) {
        #expect(Money.parseYuan(text) == fen)
    }

    @Test(arguments: [
        "", ".5", "4500.", "4500.505", "-1", "+1", " 1", "1 ", "1,000", "1e3", "4500.5a", "１", "1.2.3", ".",
        "92233720368547758.08", "99999999999999999999", "¥10",
    ])
    func anythingElseIsNotAnAmount(text: String) {
        #expect(Money.parseYuan(text) == nil)
    }

    @Test(arguments: [
        (Int64(333_333), 5_000, Int64(1_667)), (100, 5_000, 1), (99, 5_000, 0), (1, 499_999, 0), (1, 500_000, 1),
        (1_200_000, 160_000, 192_000), (450_000, 5_000, 2_250), (2_250_000, 5_000, 11_250), (0, 160_000, 0),
        (-333_333, 5_000, -1_667), (333_333, -5_000, -1_667), (-99, 5_000, 0),
        (1_000_000_000_000, 1_000_000, 1_000_000_000_000), (Int64.max, 1_000_000, Int64.max), (333_300, 5_000, 1_667),
        (333_299, 5_000, 1_666), (-333_300, 5_000, -1_667), (-333_299, 5_000, -1_666), (3, 166_667, 1), (3, 166_666, 0),
    ])
    func amountsAreRoundedHalfUpToTheFen(base: Int64, rate: Int, amount: Int64) {
        #expect(Money.amount(baseFen: base, ratePPM: rate) == amount)
    }

    @Test(arguments: [
        (160_000, "16%"), (5_000, "0.5%"), (2_000, "0.2%"), (0, "0%"), (1, "0.0001%"), (125_000, "12.5%"),
        (1_000_000, "100%"), (122_500, "12.25%"), (-5_000, "-0.5%"), (50, "0.005%"), (80_000, "8%"),
    ])
    func ratesReadAsPercentagesWithoutTrailingZeros(ppm: Int, text: String) {
        #expect(Money.percent(ppm: ppm) == text)
    }
}
