import API
import Business
import Demo
import Domain
import Foundation
import Postgres
import Security
import TestSupport
import Testing

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the throwaway cluster of make test"), .serialized)
struct DemoDataTests {
    /// `persons` in `offices`, with quick scrypt parameters for the demo hashes.
    static func options(persons: Int, offices: Int) -> DemoData.Options {
        var options = DemoData.Options()
        options.persons = persons
        options.offices = offices
        options.passwordParameters = .init(logN: 10, r: 8, p: 1)
        return options
    }

    @Test func theDemoLoadsValidDataOnceAndOnlyOnce() throws {
        let database = try TestDatabase.create("demo")
        defer { database.drop() }
        let options = Self.options(persons: 600, offices: 40)
        var stages: Set<String> = []
        let summary = try database.withConnection { connection in
            try DemoData(options: options) { stage, _, _ in stages.insert(stage) }.load(on: connection)
        }
        #expect(summary.seeded)
        let examples = DemoData.Examples.unenrolledPersons.count
        #expect(summary.offices == 40 && summary.persons == 600 + examples && summary.operators == 7)
        #expect(summary.applications == 3)
        #expect(stages.isSuperset(of: ["offices", "operators", "employers", "persons", "enrolments", "contributions"]))
        try database.withConnection { connection in
            // Offices: a province, 13 cities, districts and service points, in one tree.
            let levels = try connection.query("SELECT level, count(*) FROM shebao.office GROUP BY 1 ORDER BY 1").map {
                "\(try $0.decode(0, as: String.self))=\(try $0.decode(1, as: Int.self))"
            }
            #expect(levels.contains("province=1") && levels.contains("city=13"))
            // Every identifier carries a valid check character.
            let citizens = try connection.query("SELECT citizen_id, bank_card_number FROM shebao.person").map {
                (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self))
            }
            #expect(citizens.count == 600 + examples)
            #expect(citizens.allSatisfy { CitizenID.hasValidCheckCharacter($0.0) && Luhn.isValid($0.1) })
            let codes = try connection.query("SELECT credit_code FROM shebao.employer").map {
                try $0.decode(0, as: String.self)
            }
            #expect(!codes.isEmpty && codes.allSatisfy { CreditCode.hasValidCheckCharacter($0) })
            // Urban persons have the four employee schemes, rural ones the two residents' schemes.
            let schemes = try connection.query(
                "SELECT string_agg(scheme_code, ',' ORDER BY scheme_code) FROM shebao.enrolment GROUP BY person_id"
            ).map { try $0.decode(0, as: String.self) }
            #expect(Set(schemes) == ["110,210,310,410", "170,390"])
            // A year of pension dues for every declared base, rounded half-up per line, paid.
            let wrong = try connection.query(
                """
                SELECT count(*) FROM shebao.contribution_due
                WHERE amount_fen <> round(base_fen * rate_ppm / 1000000.0) OR paid_fen <> amount_fen
                """
            ).single().decode(0, as: Int.self)
            #expect(wrong == 0)
            // Each due is what the application's checks compute from the declared wage at the
            // policy the demo inserted: its bounds and its rates, no figure of the loader's own.
            let policy = try connection.query(
                """
                SELECT employer_rate_ppm, personal_rate_ppm, base_floor_fen, base_ceiling_fen, average_wage_fen
                FROM shebao.contribution_policy WHERE region_code = '320000' AND scheme_code = '110'
                """
            ).single()
            let rates = ContributionRates(
                schemeCode: "110",
                employerRatePPM: try policy.decode(0, as: Int.self),
                personalRatePPM: try policy.decode(1, as: Int.self),
                baseFloorFen: try policy.decode(2, as: Int64.self),
                baseCeilingFen: try policy.decode(3, as: Int64.self),
                averageWageFen: try policy.decode(4, as: Int64.self)
            )
            let lines = try connection.query(
                """
                SELECT b.declared_wage_fen, d.party, d.base_fen, d.rate_ppm, d.amount_fen
                FROM shebao.contribution_due d
                JOIN shebao.base_declaration b ON b.person_id = d.person_id AND b.employer_id = d.employer_id
                """
            )
            #expect(lines.count == summary.dues)
            for line in lines {
                let amounts = Contribution.compute(
                    declaredWageFen: try line.decode(0, as: Int64.self),
                    rates: rates,
                    riskClass: nil
                )
                let isEmployer = try line.decode(1, as: String.self) == "employer"
                #expect(try line.decode(2, as: Int64.self) == amounts.baseFen)
                #expect(
                    try line.decode(3, as: Int.self) == (isEmployer ? amounts.employerRatePPM : amounts.personalRatePPM)
                )
                #expect(try line.decode(4, as: Int64.self) == (isEmployer ? amounts.employerFen : amounts.personalFen))
            }
            let months = try connection.query(
                "SELECT count(DISTINCT period) FROM shebao.contribution_due"
            ).single().decode(0, as: Int.self)
            #expect(months == 12)
            // The operators' passwords verify.
            let hash = try connection.query("SELECT password_hash FROM shebao.operator WHERE username = 'clerk'")
                .single().decode(0, as: String.self)
            #expect(try PasswordHash(encoded: hash)?.verify(options.password) == true)
            // The operators whose role needs a second factor by default have one, stored as
            // enrolment stores it; the others have none.
            let required = AuthenticationSettings().secondFactorRoles
            for demo in DemoData.operators {
                let stored = try connection.query(
                    "SELECT totp_secret FROM shebao.operator WHERE username = $1",
                    [demo.username]
                ).single().decode(0, as: PostgresBytes?.self)
                #expect((demo.totpSecret != nil) == required.contains(demo.role), "\(demo.username)")
                #expect(stored?.bytes == demo.totpSecret.flatMap(Base32.decode), "\(demo.username)")
            }
        }
        try database.withConnection { try Self.expectBenefits(on: $0, summary, active: 60, odd: 3) }
        // A second run adds nothing.
        let again = try database.withConnection { try DemoData(options: options).load(on: $0) }
        #expect(!again.seeded)
    }

    /// The demo's pensions: `active` paid from before this month and `odd` each suspended, ended
    /// and starting next month, of persons of retirement age, 1,500 to 6,000 yuan a month through
    /// the three banks, to the person's own (valid) card; and a schedule of every office with
    /// benefits, on the 15th.
    static func expectBenefits(
        on connection: PostgresConnection,
        _ summary: DemoData.Summary,
        active: Int,
        odd: Int
    ) throws {
        let counts = try connection.query(
            """
            SELECT b.status, b.start_period > shebao.current_period() AS later, count(*) FROM shebao.benefit b
            GROUP BY 1, 2 ORDER BY 1, 2
            """
        ).map {
            "\(try $0.decode(0, as: String.self))\(try $0.decode(1, as: Bool.self) ? " later" : "")=\(try $0.decode(2, as: Int.self))"
        }
        var expected = ["active=\(active)"]
        if odd > 0 { expected = ["active=\(active)", "active later=\(odd)", "ended=\(odd)", "suspended=\(odd)"] }
        #expect(counts == expected)
        #expect(summary.benefits == active + 3 * odd)
        let benefits = try connection.query(
            """
            SELECT b.kind, b.scheme_code, b.monthly_amount_fen, b.bank_code, b.bank_card_number, p.bank_card_number,
                b.status_reason, b.status_changed_on::text, b.end_period,
                p.birth_date + make_interval(years => CASE p.gender WHEN 'male' THEN 60 ELSE 50 END) <= now()
            FROM shebao.benefit b JOIN shebao.person p ON p.id = b.person_id
            """
        )
        var banks: Set<String> = []
        for row in benefits {
            #expect(try row.decode(0, as: String.self) == "basic_pension" && row.decode(1, as: String.self) == "110")
            #expect((150_000...600_000).contains(try row.decode(2, as: Int64.self)))
            banks.insert(try row.decode(3, as: String.self))
            let card = try row.decode(4, as: String.self)
            #expect(Luhn.isValid(card) && BankCard.validate(card, field: "card").1.isEmpty)
            #expect(try row.decode(5, as: String.self) == card, "the person's own card")
            let hasReason = try row.decode(6, as: String?.self) != nil
            #expect(hasReason == (try row.decode(7, as: String?.self) != nil))
            #expect(try row.decode(9, as: Bool.self), "of retirement age")
        }
        #expect(banks == ["ICBC", "BOC", "CCB"])
        let schedules = try connection.query(
            """
            SELECT count(*), count(*) FILTER (WHERE s.benefit_kind = 'basic_pension' AND s.day_of_month = 15 AND s.active),
                (SELECT count(DISTINCT office_id) FROM shebao.benefit)
            FROM shebao.disbursement_schedule s
            """
        ).single()
        let offices = try schedules.decode(2, as: Int.self)
        #expect(offices > 1 && summary.schedules == offices)
        #expect(try schedules.decode(0, as: Int.self) == offices && schedules.decode(1, as: Int.self) == offices)
    }

    @Test func asManyBenefitsAsPersonsAreAllActiveAndMoreAreRefused() throws {
        let database = try TestDatabase.create("demobenefits")
        defer { database.drop() }
        var options = Self.options(persons: 120, offices: 20)
        options.benefits = 120
        let summary = try database.withConnection { try DemoData(options: options).load(on: $0) }
        try database.withConnection { try Self.expectBenefits(on: $0, summary, active: 120, odd: 0) }
        #expect(DemoData.Options().benefitCount == 200, "a tenth of the persons by default")

        // The command line says so before it connects.
        guard let executable = TestEnvironment.shebaoExecutable else { return }
        let refused = try Subprocess.run(
            executable,
            ["admin", "seed-demo", "--database-url", try database.url(), "--persons", "10", "--benefits", "11"]
        )
        #expect(refused.status != 0)
        #expect(
            refused.standardError.contains("--benefits must be between 0 and --persons"),
            "\(refused.standardError)"
        )
    }

    /// The demo's applications are written as rows; their checks are run and stored afterwards,
    /// so the reviewer sees check results beside each one in the queue.
    @Test func theDemoApplicationsCarryTheirCheckResults() throws {
        let database = try TestDatabase.create("demochecks")
        defer { database.drop() }
        try database.withConnection { connection in
            _ = try DemoData(options: Self.options(persons: 60, offices: 30)).load(on: connection)
            let before = try connection.query("SELECT count(*) FROM shebao.application WHERE check_results IS NULL")
            #expect(try before.single().decode(0, as: Int64.self) == 3)
            #expect(try ApplicationChecks.recordMissing(on: connection) == 3)
            #expect(try ApplicationChecks.recordMissing(on: connection) == 0, "once only")
            let stored = try connection.query(
                """
                SELECT type, jsonb_array_length(check_results->'issues') AS issues, check_results->>'checkedAt' AS at \
                FROM shebao.application ORDER BY id
                """
            )
            #expect(stored.count == 3)
            for row in stored {
                #expect(try row.decode("at", as: String?.self) != nil)
                #expect(try row.decode("issues", as: Int?.self) != nil)
            }
        }
    }

    @Test func theREADMEsExamplesHoldOnTheDemoData() throws {
        let database = try TestDatabase.create("demoexamples")
        defer { database.drop() }
        let options = Self.options(persons: 100, offices: 20)
        _ = try database.withConnection { try DemoData(options: options).load(on: $0) }
        let examples = DemoData.Examples.self
        try database.withConnection { connection in
            let clerksOffice = try connection.query("SELECT office_id FROM shebao.operator WHERE username = 'clerk'")
                .single().decode(0, as: Int64.self)
            // The persons ready for an enrolment: registered at the clerk's office, in no scheme.
            for person in examples.unenrolledPersons {
                let row = try #require(
                    try connection.query(
                        """
                        SELECT office_id, (SELECT count(*) FROM shebao.enrolment e WHERE e.person_id = p.id)
                        FROM shebao.person p WHERE citizen_id = $1
                        """,
                        [person.citizenID]
                    ).first
                )
                #expect(try row.decode(0, as: Int64.self) == clerksOffice, "\(person.name)")
                #expect(try row.decode(1, as: Int.self) == 0, "\(person.name) has no enrolment")
                #expect(CitizenID.hasValidCheckCharacter(person.citizenID))
            }
            #expect(examples.unenrolledPersons.first?.citizenID == examples.citizenID)

            // The number for a registration: valid by the Domain's checks, and nobody's, not even
            // a waiting application's.
            let today = CalendarDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
            let (parsed, issues) = CitizenID.parse(examples.unregisteredCitizenID, field: "citizenId", today: today)
            #expect(issues.isEmpty)
            #expect(parsed?.birthDate == CalendarDate(year: 1996, month: 8, day: 18) && parsed?.gender == .female)
            #expect(
                try connection.query(
                    """
                    SELECT (SELECT count(*) FROM shebao.person WHERE citizen_id = $1)
                        + (SELECT count(*) FROM shebao.application WHERE payload->>'citizenId' = $1)
                    """,
                    [examples.unregisteredCitizenID]
                ).single().decode(0, as: Int.self) == 0
            )

            // The card passes Luhn and is no one's yet.
            #expect(Luhn.isValid(examples.bankCardNumber))
            #expect(BankCard.validate(examples.bankCardNumber, field: "bankCardNumber").1.isEmpty)
            #expect(
                try connection.query(
                    "SELECT count(*) FROM shebao.person WHERE bank_card_number = $1",
                    [examples.bankCardNumber]
                ).single().decode(0, as: Int.self) == 0
            )

            // The employer: active, at the clerk's office, with the ID the README uses.
            let employer = try connection.query(
                "SELECT id, office_id, status FROM shebao.employer WHERE credit_code = $1",
                [examples.employerCreditCode]
            ).single()
            #expect(try employer.decode(0, as: Int64.self) == examples.employerID)
            #expect(try employer.decode(1, as: Int64.self) == clerksOffice)
            #expect(try employer.decode(2, as: String.self) == "active")
            #expect(CreditCode.hasValidCheckCharacter(examples.employerCreditCode))
            #expect(Period(examples.startPeriod) != nil && examples.startPeriod > options.firstPeriod + 100)

            // The insured person with a password: the demo password, and records to look at.
            let person = try connection.query(
                """
                SELECT c.password_hash, (SELECT count(*) FROM shebao.enrolment e WHERE e.person_id = p.id)
                FROM shebao.person p JOIN shebao.person_credential c ON c.person_id = p.id WHERE p.citizen_id = $1
                """,
                [examples.personCitizenID]
            ).single()
            #expect(try PasswordHash(encoded: try person.decode(0, as: String.self))?.verify(options.password) == true)
            #expect(try person.decode(1, as: Int.self) > 0)
        }
    }
}
