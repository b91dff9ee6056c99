import Domain
import Testing

struct PeriodTests {
    @Test(arguments: [190_001, 202_401, 202_412, 299_912, 197_001])
    func periodsOfRealMonthsAreAccepted(value: Int) throws {
        let period = try #require(Period(value))
        #expect(period.value == value)
        #expect(period.year == value / 100)
        #expect(period.month == value % 100)
        #expect(period.description == String(value))
        #expect(Period(year: value / 100, month: value % 100) == period)
    }

    @Test(arguments: [0, 202_400, 202_413, 189_912, 300_001, 2024, 20_240_101, -202_401, 202_499, 99_912])
    func anythingElseIsRejected(value: Int) {
        #expect(Period(value) == nil)
    }

    @Test(arguments: [
        (202_401, 1, 202_402), (202_412, 1, 202_501), (202_401, -1, 202_312), (202_406, 12, 202_506),
        (202_406, -18, 202_212), (202_406, 0, 202_406), (199_912, 1, 200_001), (202_403, 120, 203_403),
    ])
    func advancingCrossesYearEnds(start: Int, months: Int, end: Int) throws {
        let from = try #require(Period(start))
        let to = try #require(Period(end))
        #expect(from.advanced(byMonths: months) == to)
        #expect(from.months(to: to) == months)
        #expect(to.months(to: from) == -months)
    }

    @Test(arguments: [
        (202_402, "2024-02-01", "2024-02-29"), (202_302, "2023-02-01", "2023-02-28"),
        (190_002, "1900-02-01", "1900-02-28"), (200_002, "2000-02-01", "2000-02-29"),
        (202_412, "2024-12-01", "2024-12-31"), (202_404, "2024-04-01", "2024-04-30"),
    ])
    func theFirstAndLastDaysAreThoseOfTheMonth(value: Int, first: String, last: String) throws {
        let period = try #require(Period(value))
        #expect(period.firstDay.iso == first)
        #expect(period.lastDay.iso == last)
        #expect(period.firstDay.period == period && period.lastDay.period == period)
    }

    @Test func periodsOrderByValue() {
        let periods = [202_501, 202_412, 199_001, 202_402].compactMap(Period.init)
        #expect(periods.sorted().map(\.value) == [199_001, 202_402, 202_412, 202_501])
        #expect(Period(202_412)! < Period(202_501)!)
    }
}
