import API
import Demo
import Domain
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
        #expect(summary.offices == 40 && summary.persons == 600 && summary.operators == 7)
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
            #expect(citizens.count == 600)
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
        // A second run adds nothing.
        let again = try database.withConnection { try DemoData(options: options).load(on: $0) }
        #expect(!again.seeded)
    }
}
