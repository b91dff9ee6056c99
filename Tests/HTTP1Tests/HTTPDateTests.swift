import HTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct HTTPDateTests {
    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
        (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ])
    func knownInstantsAreFormattedAsIMFFixdate(_ seconds: Int, _ expected: String) {
        #expect(HTTPDate.format(secondsSince1970: seconds) == expected)
    }

    @Test func everyDayForTwoCenturiesMatchesTheCLibrary() {
        let names = (
            weekdays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            months: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        )
        for day in stride(from: -25_567, to: 47_482, by: 1) {
            let seconds = day * 86_400 + (day & 0xFFFF) % 86_400
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            let pad = { (value: Int32, width: Int) in
                String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
            }
            let expected =
                "\(names.weekdays[Int(parts.tm_wday)]), \(pad(parts.tm_mday, 2)) \(names.months[Int(parts.tm_mon)]) "
                + "\(pad(parts.tm_year + 1900, 4)) \(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)) GMT"
            guard HTTPDate.format(secondsSince1970: seconds) == expected else {
                Issue.record("\(seconds): \(HTTPDate.format(secondsSince1970: seconds)), expected \(expected)")
                return
            }
        }
    }
}
