import Domain
import Postgres
import Security

extension DemoData {
    /// What the README's examples use of the demo data, the same on every load: a person ready
    /// for an enrolment, a number ready for a registration, the clerk's employer, and the
    /// insured person who logs in with a password.
    public enum Examples {
        /// A person registered at the demo clerk's office and enrolled in no scheme (陈晓明).
        public static let citizenID = "310104199203150135"
        /// A valid citizen ID (its check character right) that no demo person has: for a
        /// `person_registration`. Its birth date is 1996-08-18, and it is a woman's.
        public static let unregisteredCitizenID = "440304199608180463"
        /// A bank card number that passes the Luhn check and no demo person has.
        public static let bankCardNumber = "6217001234567893"
        /// The first employer, active, at the demo clerk's office: its ID in a database loaded
        /// once, and its credit code.
        public static let employerID: Int64 = 1
        public static let employerCreditCode = "913201020000000002"
        /// The first period of the enrolment example.
        public static let startPeriod = 202612
        /// The persons registered at the clerk's office and enrolled in no scheme, ``citizenID``
        /// first: born outside Jiangsu, so that no generated person has their numbers.
        public static let unenrolledPersons:
            [(citizenID: String, name: String, gender: String, birthDate: String, phone: String, bankCard: String)] = [
                (Self.citizenID, "陈晓明", "male", "1992-03-15", "13705160001", "6217005160000019"),
                ("330106199507210244", "林佳怡", "female", "1995-07-21", "13705160002", "6217005160000027"),
                ("420106198811020354", "周志强", "male", "1988-11-02", "13705160003", "6217005160000035"),
            ]
        /// The insured person (王伟, at the clerk's office, enrolled, with a year of
        /// contributions) who logs in with the demo password instead of an SMS code.
        public static let personCitizenID = "320102196001010017"
    }

    /// Adds the examples at `office`: the persons without an enrolment (after the enrolments,
    /// which take every person there is) and the password of ``Examples/personCitizenID``.
    /// Returns the persons added.
    func loadExamples(_ tx: PostgresConnection, office: Int64) throws -> Int {
        for person in Examples.unenrolledPersons {
            try tx.query(
                """
                INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, phone, address, household_type,
                    bank_card_number, bank_name)
                VALUES ($1, $2, $3, $4, $5::date, $6, '江苏省南京市玄武区示范路 2 号', 'urban', $7, '中国银行')
                """,
                [office, person.citizenID, person.name, person.gender, person.birthDate, person.phone, person.bankCard]
            )
        }
        let hash = try PasswordHash.make(password: self.options.password, parameters: self.options.passwordParameters)
        let added = try tx.query(
            """
            INSERT INTO shebao.person_credential (person_id, office_id, password_hash, password_changed_at)
            SELECT id, office_id, $2, now() FROM shebao.person WHERE citizen_id = $1
            """,
            [Examples.personCitizenID, hash.encoded]
        ).affectedRows
        precondition(added == 1, "the generated persons begin with \(Examples.personCitizenID)")
        self.progress("examples", Examples.unenrolledPersons.count, Examples.unenrolledPersons.count)
        return Examples.unenrolledPersons.count
    }
}
