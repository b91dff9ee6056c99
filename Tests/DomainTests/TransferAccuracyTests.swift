import Domain
import Testing

struct TransferAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    @Test(arguments: [("440305", "440305"), ("440305001", "440305001"), (" 310104 ", "310104")])
    func aValidTransferOutHasNoIssues(office: String, normalisedOffice: String) {
        let payload = TransferOut(citizenId: "110105199003071239", toOfficeCode: office, lastPeriod: 202_505)
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised.toOfficeCode == normalisedOffice)
    }

    @Test(arguments: [
        (
            TransferOut(citizenId: "110105199003071239", toOfficeCode: "", lastPeriod: 202_505),
            ["toOfficeCode required"]
        ),
        (
            TransferOut(citizenId: "110105199003071239", toOfficeCode: "44030", lastPeriod: 202_505),
            ["toOfficeCode transfer.office_invalid"]
        ),
        (
            TransferOut(citizenId: "110105199003071239", toOfficeCode: "04030500", lastPeriod: 202_505),
            ["toOfficeCode transfer.office_invalid"]
        ),
        (
            TransferOut(citizenId: "110105199003071239", toOfficeCode: "440305 01", lastPeriod: 202_505),
            ["toOfficeCode transfer.office_invalid"]
        ),
        (
            TransferOut(citizenId: "110105199003071239", toOfficeCode: "440305", lastPeriod: 202_500),
            ["lastPeriod invalid_period"]
        ),
        (
            TransferOut(citizenId: "4403051985111500", toOfficeCode: "440305", lastPeriod: 202_505),
            ["citizenId citizen_id.length"]
        ),
    ])
    func eachTransferOutFaultIsReportedOnItsField(payload: TransferOut, expected: [String]) {
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == expected)
    }

    @Test func anInvalidOfficeIsNamedInTheIssue() {
        let payload = TransferOut(citizenId: "110105199003071239", toOfficeCode: "0123456", lastPeriod: 202_505)
        #expect(payload.accuracyChecked(today: Self.today).issues.map(\.arguments) == [["office": "0123456"]])
    }

    @Test func theTransferOutIDIsNormalised() {
        let payload = TransferOut(citizenId: "11010519491231002x", toOfficeCode: "440305", lastPeriod: 202_505)
        #expect(payload.accuracyChecked(today: Self.today).normalised.citizenId == "11010519491231002X")
    }

    @Test(arguments: [
        (202_506, [String]()), (200_001, []), (202_606, []), (202_607, ["startPeriod period.far_ahead (warning)"]),
        (202_613, ["startPeriod invalid_period"]), (0, ["startPeriod invalid_period"]),
    ])
    func aTransferInNeedsAStartPeriod(start: Int, expected: [String]) {
        let payload = TransferIn(transferId: 5, startPeriod: start)
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.summary == expected)
        #expect(normalised == payload)
    }
}
