import Domain
import Testing

struct CalendarDateTests {
    @Test(arguments: [
        (2000, true), (1900, false), (2024, true), (2023, false), (2100, false), (2400, true), (1600, true), (4, true),
    ])
    func leapYearsAreTheGregorianOnes(year: Int, isLeap: Bool) {
        #expect(CalendarDate.isLeapYear(year) == isLeap)
        #expect((CalendarDate(year: year, month: 2, day: 29) != nil) == isLeap)
    }

    @Test(arguments: [
        (2024, 1, 31), (2024, 2, 29), (2024, 3, 31), (2024, 4, 30), (2024, 5, 31), (2024, 6, 30), (2024, 7, 31),
        (2024, 8, 31), (2024, 9, 30), (2024, 10, 31), (2024, 11, 30), (2024, 12, 31), (2023, 2, 28),
    ])
    func eachMonthEndsOnItsLastDay(year: Int, month: Int, lastDay: Int) {
        #expect(CalendarDate.daysInMonth(year: year, month: month) == lastDay)
        #expect(CalendarDate(year: year, month: month, day: lastDay) != nil)
        #expect(CalendarDate(year: year, month: month, day: lastDay + 1) == nil)
    }

    @Test(arguments: [
        (2024, 0, 1), (2024, 13, 1), (2024, 1, 0), (2024, 1, 32), (2023, 2, 29), (1900, 2, 29), (0, 1, 1),
        (10_000, 1, 1), (2024, -1, 1),
    ])
    func impossibleDatesAreRejected(year: Int, month: Int, day: Int) {
        #expect(CalendarDate(year: year, month: month, day: day) == nil)
    }

    @Test(arguments: ["2024-02-29", "1990-03-07", "0001-01-01", "9999-12-31", "1880-01-01"])
    func isoTextRoundTrips(text: String) throws {
        let date = try #require(CalendarDate(iso: text))
        #expect(date.iso == text)
        #expect(date.description == text)
    }

    @Test(arguments: [
        "", "2024-2-29", "2024-02-9", "20240229", "2024/02/29", " 2024-02-29", "2024-02-29 ", "2023-02-29",
        "2024-13-01", "2024-00-10", "２０２４-02-29", "+024-02-29", "2024-02-2a", "12024-02-29", "2024-02-290",
    ])
    func anythingButExactlyYYYYMMDDIsRejected(text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }

    @Test func theFieldsAreTheOnesGiven() throws {
        let date = try #require(CalendarDate(iso: "1985-11-15"))
        #expect(date.year == 1985 && date.month == 11 && date.day == 15)
    }

    @Test(arguments: [
        ("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-03-01", 11_017), ("2024-02-29", 19_782),
        ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
    ])
    func daysSinceTheEpochMatchTheCivilCalendar(text: String, days: Int) throws {
        let date = try #require(CalendarDate(iso: text))
        #expect(date.daysSinceEpoch == days)
        #expect(CalendarDate(iso: "1970-01-01")!.adding(days: days) == date)
    }

    @Test(arguments: [
        ("2024-02-28", 1, "2024-02-29"), ("2024-02-29", 1, "2024-03-01"), ("2023-02-28", 1, "2023-03-01"),
        ("2024-12-31", 1, "2025-01-01"), ("2025-01-01", -1, "2024-12-31"), ("2024-01-01", 366, "2025-01-01"),
        ("2023-01-01", 365, "2024-01-01"), ("1900-02-28", 1, "1900-03-01"), ("2000-02-28", 1, "2000-02-29"),
        ("2025-06-15", 0, "2025-06-15"), ("2025-06-15", -365, "2024-06-15"),
    ])
    func addingDaysCrossesMonthsYearsAndLeapDays(start: String, days: Int, end: String) throws {
        let from = try #require(CalendarDate(iso: start))
        let to = try #require(CalendarDate(iso: end))
        #expect(from.adding(days: days) == to)
        #expect(from.days(to: to) == days)
        #expect(to.days(to: from) == -days)
    }

    @Test func everyDayOfFourHundredYearsFollowsTheDayBefore() {
        var date = CalendarDate(year: 1900, month: 1, day: 1)!
        var wrong: [String] = []
        while date.year < 2300 {
            let next = date.adding(days: 1)
            let isLastOfMonth = date.day == CalendarDate.daysInMonth(year: date.year, month: date.month)
            let expected =
                isLastOfMonth
                ? CalendarDate(year: date.month == 12 ? date.year + 1 : date.year, month: date.month % 12 + 1, day: 1)
                : CalendarDate(year: date.year, month: date.month, day: date.day + 1)
            if next != expected || next.daysSinceEpoch != date.daysSinceEpoch + 1 || !(next > date) {
                wrong.append(date.iso)
            }
            date = next
        }
        #expect(wrong.isEmpty)
        #expect(date.iso == "2300-01-01")
    }

    @Test(arguments: [
        ("1990-03-07", "2025-03-06", 34), ("1990-03-07", "2025-03-07", 35), ("1990-03-07", "2025-12-31", 35),
        ("2000-02-29", "2001-02-28", 0), ("2000-02-29", "2001-03-01", 1), ("2000-02-29", "2004-02-28", 3),
        ("2000-02-29", "2004-02-29", 4), ("2000-02-29", "2023-02-28", 22), ("2000-02-29", "2023-03-01", 23),
        ("2010-06-15", "2026-06-14", 15), ("2010-06-15", "2026-06-15", 16), ("2025-06-15", "2025-06-15", 0),
        ("2025-06-15", "2025-06-14", -1), ("1880-01-01", "2025-06-15", 145),
    ])
    func ageCountsCompletedYearsAndALeapDayBirthdayTurnsOnTheFirstOfMarch(
        birth: String,
        on day: String,
        age: Int
    ) throws {
        let born = try #require(CalendarDate(iso: birth))
        #expect(born.age(on: try #require(CalendarDate(iso: day))) == age)
    }

    @Test func datesOrderByYearThenMonthThenDay() throws {
        let dates = try ["2024-12-31", "2025-01-01", "2024-02-29", "2024-03-01", "1999-12-31"].map {
            try #require(CalendarDate(iso: $0))
        }
        #expect(dates.sorted().map(\.iso) == ["1999-12-31", "2024-02-29", "2024-03-01", "2024-12-31", "2025-01-01"])
    }

    @Test func theDateIsInTheMonthsPeriod() throws {
        #expect(try #require(CalendarDate(iso: "2024-02-29")).period == Period(202_402))
        #expect(try #require(CalendarDate(iso: "1880-01-01")).period.description == "188001")
        #expect(try #require(CalendarDate(iso: "1880-01-01")).period < Period(190_001)!)
    }

    @Test(arguments: [
        (Int64(0), 0, "1970-01-01"), (Int64(0), 28_800, "1970-01-01"), (Int64(57_599), 28_800, "1970-01-01"),
        (Int64(57_600), 28_800, "1970-01-02"), (Int64(-1), 0, "1969-12-31"), (Int64(-1), 28_800, "1970-01-01"),
        (Int64(-28_801), 28_800, "1969-12-31"), (Int64(1_718_467_199), 28_800, "2024-06-15"),
        (Int64(1_718_467_200), 28_800, "2024-06-16"),
        (Int64(1_718_467_199), 0, "2024-06-15"), (Int64(1_709_164_800), 0, "2024-02-29"),
        (Int64(1_709_136_000), 28_800, "2024-02-29"), (Int64(1_709_135_999), 28_800, "2024-02-28"),
    ])
    func theDateAtAnInstantIsTheOneInTheZone(seconds: Int64, offset: Int, expected: String) {
        #expect(CalendarDate(secondsSinceEpoch: seconds, utcOffsetSeconds: offset).iso == expected)
    }

    @Test func theDefaultZoneIsChinaStandardTime() {
        // 2024-06-15T16:00:00Z is midnight of 16 June in Beijing.
        #expect(CalendarDate(secondsSinceEpoch: 1_718_467_200).iso == "2024-06-16")
        #expect(CalendarDate(secondsSinceEpoch: 1_718_467_199).iso == "2024-06-15")
    }
}
