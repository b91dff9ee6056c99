import Domain
import Testing

struct EnrolmentAccuracyTests {
    static let today = CalendarDate(year: 2025, month: 6, day: 15)!

    static let valid = Enrolment(
        citizenId: "110105199003071239",
        enrolments: [
            EnrolmentLine(schemeCode: "110", employerId: 3, startPeriod: 202_507, declaredWageFen: 800_000),
            EnrolmentLine(schemeCode: "210", employerId: 3, startPeriod: 202_507, declaredWageFen: 800_000),
            EnrolmentLine(schemeCode: "410", employerId: 3, startPeriod: 202_507, declaredWageFen: 800_000),
            EnrolmentLine(schemeCode: "510", employerId: 3, startPeriod: 202_507, declaredWageFen: 800_000),
        ]
    )

    @Test func aValidEnrolmentHasNoIssues() {
        let (normalised, issues) = Self.valid.accuracyChecked(today: Self.today)
        #expect(issues.isEmpty)
        #expect(normalised == Self.valid)
    }

    @Test func residentsSchemesNeedNeitherEmployerNorWage() {
        let payload = Enrolment(
            citizenId: "440305198511150040",
            enrolments: [
                EnrolmentLine(schemeCode: "170", startPeriod: 202_501),
                EnrolmentLine(schemeCode: "390", startPeriod: 202_501),
            ]
        )
        #expect(payload.accuracyChecked(today: Self.today).issues.isEmpty)
    }

    @Test func inputIsNormalised() {
        let payload = Enrolment(
            citizenId: "110105491231002",
            enrolments: [EnrolmentLine(schemeCode: "\t390", startPeriod: 202_507)]
        )
        let (normalised, issues) = payload.accuracyChecked(today: Self.today)
        #expect(issues.summary == ["citizenId citizen_id.converted (warning)"])
        #expect(
            normalised
                == Enrolment(
                    citizenId: "11010519491231002X",
                    enrolments: [EnrolmentLine(schemeCode: "390", startPeriod: 202_507)]
                )
        )
    }

    @Test(arguments: [
        (Enrolment(citizenId: "110105199003071239", enrolments: []), ["enrolments required"]),
        (
            Enrolment(
                citizenId: "11010519900307123X",
                enrolments: [EnrolmentLine(schemeCode: "390", startPeriod: 202_507)]
            ),
            ["citizenId citizen_id.check_character"]
        ),
        (
            Enrolment(
                citizenId: "110105199003071239",
                enrolments: [EnrolmentLine(schemeCode: "390", employerId: 3, startPeriod: 202_507)]
            ),
            ["enrolments[0].employerId employer.not_allowed"]
        ),
        (
            Enrolment(
                citizenId: "110105199003071239",
                enrolments: [EnrolmentLine(schemeCode: "310", startPeriod: 202_507)]
            ),
            ["enrolments[0].employerId employer.required", "enrolments[0].declaredWageFen base.required"]
        ),
        (
            Enrolment(
                citizenId: "110105199003071239",
                enrolments: [
                    EnrolmentLine(schemeCode: "390", startPeriod: 202_507),
                    EnrolmentLine(schemeCode: "390", startPeriod: 202_508),
                ]
            ),
            ["enrolments[1].schemeCode scheme.repeated"]
        ),
        (
            Enrolment(
                citizenId: "110105199003071239",
                enrolments: [EnrolmentLine(schemeCode: "39", startPeriod: 202_507)]
            ),
            ["enrolments[0].schemeCode scheme.unknown"]
        ),
        (
            Enrolment(
                citizenId: "110105199003071239",
                enrolments: [EnrolmentLine(schemeCode: "390", startPeriod: 2025)]
            ),
            ["enrolments[0].startPeriod invalid_period"]
        ),
        (
            Enrolment(
                citizenId: "110105199003071239",
                enrolments: [EnrolmentLine(schemeCode: "390", startPeriod: 202_701)]
            ),
            ["enrolments[0].startPeriod period.far_ahead (warning)"]
        ),
        (
            Enrolment(
                citizenId: "110105199003071239",
                enrolments: [
                    EnrolmentLine(schemeCode: "110", employerId: 3, startPeriod: 202_507, declaredWageFen: 100_000_001)
                ]
            ),
            ["enrolments[0].declaredWageFen amount_out_of_range"]
        ),
    ])
    func eachFaultIsReportedOnItsField(payload: Enrolment, expected: [String]) {
        #expect(payload.accuracyChecked(today: Self.today).issues.summary == expected)
    }

    @Test func theAgeOfARegisteredPersonIsTheComplianceStages() {
        // Fifteen: the compliance stage checks the age from the person's record.
        let payload = Enrolment(
            citizenId: "110105201001011232",
            enrolments: [EnrolmentLine(schemeCode: "110", employerId: 3, startPeriod: 202_506, declaredWageFen: 1)]
        )
        #expect(payload.accuracyChecked(today: Self.today).issues.isEmpty)
    }
}
