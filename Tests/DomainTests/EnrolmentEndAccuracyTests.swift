import Domain
import Testing

struct EnrolmentEndAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    @Test(arguments: ["left_employer", "retired", "deceased", "emigrated", "transferred", "other"])
    func eachReasonIsAccepted(reason: String) {
        let payload = EnrolmentEnd(enrolmentId: 42, endPeriod: 202_505, reason: reason)
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised == payload)
    }

    @Test func theReasonIsTrimmed() {
        let payload = EnrolmentEnd(enrolmentId: 42, endPeriod: 202_505, reason: " retired\n")
        #expect(payload.accuracyChecked(today: Self.today).normalised.reason == "retired")
    }

    @Test(arguments: [
        (EnrolmentEnd(enrolmentId: 42, endPeriod: 202_513, reason: "other"), ["endPeriod invalid_period"]),
        (EnrolmentEnd(enrolmentId: 42, endPeriod: 0, reason: "other"), ["endPeriod invalid_period"]),
        (EnrolmentEnd(enrolmentId: 42, endPeriod: 202_505, reason: "fired"), ["reason not_allowed"]),
        (EnrolmentEnd(enrolmentId: 42, endPeriod: 202_505, reason: "Retired"), ["reason not_allowed"]),
        (EnrolmentEnd(enrolmentId: 42, endPeriod: 202_505, reason: ""), ["reason required"]),
        (
            EnrolmentEnd(enrolmentId: 42, endPeriod: 20_255, reason: " "),
            ["endPeriod invalid_period", "reason required"]
        ),
    ])
    func eachFaultIsReportedOnItsField(payload: EnrolmentEnd, expected: [String]) {
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == expected)
    }

    @Test func aReasonNotAllowedListsTheReasons() {
        let payload = EnrolmentEnd(enrolmentId: 42, endPeriod: 202_505, reason: "fired")
        #expect(
            payload.accuracyChecked(today: Self.today).issues.map(\.arguments) == [
                ["allowed": "left_employer,retired,deceased,emigrated,transferred,other"]
            ]
        )
    }
}
