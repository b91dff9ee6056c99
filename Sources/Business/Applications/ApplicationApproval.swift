import Domain
import Foundation
public import Postgres

/// What approval does, in the transaction of the status change: the effects on the registry,
/// the voucher, the notification to the person. All or nothing: any failure rolls back the lot.
public enum ApplicationApproval {
    /// Who and what the voucher and the notification name.
    public struct Subject {
        var personID: Int64?
        var personName: String?
        var citizenID: String?
        var phone: String?
        var employerID: Int64?
        var employerName: String?
        var creditCode: String?
        /// The benefit a takeover inserted.
        var benefitID: Int64?
    }

    /// Applies `outcome`'s effects for application `record`.
    public static func apply(
        _ outcome: CheckOutcome,
        _ record: ApplicationRecord,
        on connection: PostgresConnection
    ) throws
        -> Subject
    {
        var subject = Subject(personID: outcome.personID, employerID: outcome.employerID)
        switch outcome.payload {
        case .personRegistration(let p):
            let person = try self.insertPerson(
                office: record.officeID,
                citizen: p.citizenId,
                name: p.name,
                gender: p.gender,
                birthDate: p.birthDate,
                phone: p.phone,
                address: p.address,
                householdType: p.householdType,
                ssCard: p.ssCardNumber,
                bankCard: p.bankCardNumber,
                bankName: p.bankName,
                on: connection
            )
            subject.personID = person
            try self.enrol(person, p.citizenId, p.enrolments ?? [], outcome, record, on: connection)
        case .personChange(let p):
            try connection.query(
                Self.changePerson,
                [
                    p.citizenId, p.name, p.phone, p.address, p.householdType, p.ssCardNumber, p.bankCardNumber,
                    p.bankName,
                ]
            )
        case .employerRegistration(let p):
            subject.employerID = try connection.query(
                Self.insertEmployer,
                [record.officeID, p.creditCode, p.name, p.industryCode, p.riskClass, p.address, p.contactPhone]
            ).single().decode(0, as: Int64.self)
            subject.employerName = p.name
            subject.creditCode = p.creditCode
        case .enrolment(let p):
            guard let person = outcome.personID else { throw Self.vanished }
            try self.enrol(person, p.citizenId, p.enrolments, outcome, record, on: connection)
        case .newbornEnrolment(let p):
            let person = try self.insertPerson(
                office: record.officeID,
                citizen: p.citizenId,
                name: p.name,
                gender: p.gender,
                birthDate: p.birthDate,
                phone: p.guardianPhone,
                address: nil,
                householdType: p.householdType,
                ssCard: nil,
                bankCard: nil,
                bankName: nil,
                on: connection
            )
            subject.personID = person
            let birth = p.birthDate.flatMap(CalendarDate.init(iso:))?.period
            let start = outcome.effects.coverFrom == "payment" ? nil : birth
            try connection.query(
                Self.insertNewbornEnrolment,
                [record.officeID, person, p.citizenId, start?.value]
            )
        case .enrolmentEnd(let p):
            guard try connection.query(Self.endEnrolment, [p.enrolmentId, p.endPeriod]).affectedRows == 1 else {
                throw Self.vanished
            }
        case .baseDeclaration(let p):
            for line in p.lines {
                guard let amounts = outcome.effects.contributions.first(where: { $0.citizenId == line.citizenId })
                else { continue }
                try connection.query(Self.supersedeDeclaration, [p.employerId, line.citizenId, p.year])
                try connection.query(
                    Self.declareBase,
                    [record.officeID, p.employerId, line.citizenId, p.year, line.declaredWageFen, amounts.baseFen]
                )
            }
        case .transferOut(let p):
            guard let person = outcome.personID else { throw Self.vanished }
            try connection.query(
                Self.insertTransfer,
                [record.officeID, p.toOfficeCode, person, p.citizenId, p.lastPeriod, record.id]
            )
        case .transferIn(let p):
            subject.personID = try connection.query(Self.acceptTransfer, [p.transferId, p.startPeriod, record.id])
                .single().decode(0, as: Int64.self)
        case .benefitTakeover(let p):
            guard let person = outcome.personID, let benefit = outcome.effects.benefit else { throw Self.vanished }
            subject.benefitID = try connection.query(
                Self.insertBenefit,
                [
                    record.officeID, person, benefit.schemeCode, benefit.kind, benefit.monthlyAmountFen,
                    benefit.startPeriod, benefit.endPeriod, benefit.bankCode, p.bankCardNumber, record.id,
                ]
            ).single().decode(0, as: Int64.self)
        }
        if let person = subject.personID {
            try connection.query(Self.claimDocuments, [record.id, person])
        }
        if let person = subject.personID, let row = try connection.query(Self.personSummary, [person]).first {
            subject.personName = try row.decode("name", as: String.self)
            subject.citizenID = try row.decode("citizen_id", as: String.self)
            subject.phone = try row.decode("phone", as: String?.self)
        }
        if subject.employerName == nil, let employer = subject.employerID,
            let row = try connection.query(Self.employerSummary, [employer]).first
        {
            subject.employerName = try row.decode("name", as: String.self)
            subject.creditCode = try row.decode("credit_code", as: String.self)
        }
        return subject
    }

    private static var vanished: BusinessFailure {
        BusinessFailure(.conflict, zh: "相关记录已变化，请重新检查后再复核", en: "the records changed since the checks; check again")
    }

    private static func insertPerson(
        office: Int64,
        citizen: String,
        name: String,
        gender: String?,
        birthDate: String?,
        phone: String?,
        address: String?,
        householdType: String,
        ssCard: String?,
        bankCard: String?,
        bankName: String?,
        on connection: PostgresConnection
    ) throws -> Int64 {
        try connection.query(
            Self.insertPersonStatement,
            [office, citizen, name, gender, birthDate, phone, address, householdType, ssCard, bankCard, bankName]
        ).single().decode(0, as: Int64.self)
    }

    /// Enrolment lines: the enrolments, and the year's base declaration with each employer.
    private static func enrol(
        _ person: Int64,
        _ citizen: String,
        _ lines: [EnrolmentLine],
        _ outcome: CheckOutcome,
        _ record: ApplicationRecord,
        on connection: PostgresConnection
    ) throws {
        for line in lines {
            try connection.query(
                Self.insertEnrolment,
                [record.officeID, person, citizen, line.schemeCode, line.employerId, line.startPeriod]
            )
            guard let employer = line.employerId, let wage = line.declaredWageFen,
                let amounts = outcome.effects.contributions.first(where: { $0.schemeCode == line.schemeCode })
            else { continue }
            try connection.query(
                Self.declareBaseOnce,
                [record.officeID, employer, person, line.startPeriod / 100, wage, amounts.baseFen]
            )
        }
    }

    static let insertPersonStatement = PreparedStatement(
        """
        INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, phone, address, household_type, \
        ss_card_number, bank_card_number, bank_name) \
        VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11) RETURNING id
        """
    )
    static let changePerson = PreparedStatement(
        """
        UPDATE shebao.person SET name = coalesce($2, name), phone = coalesce($3, phone), \
        address = coalesce($4, address), household_type = coalesce($5, household_type), \
        ss_card_number = coalesce($6, ss_card_number), bank_card_number = coalesce($7, bank_card_number), \
        bank_name = coalesce($8, bank_name), updated_at = now() \
        WHERE id_type = 'citizen' AND citizen_id = $1
        """
    )
    static let insertEmployer = PreparedStatement(
        """
        INSERT INTO shebao.employer (office_id, credit_code, name, industry_code, risk_class, address, contact_phone) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
        """
    )
    static let insertEnrolment = PreparedStatement(
        """
        INSERT INTO shebao.enrolment (office_id, person_id, citizen_id, scheme_code, employer_id, status, start_period) \
        VALUES ($1, $2, $3, $4, $5, 'active', $6)
        """
    )
    // Cover from the birth month inside the window, otherwise from the current month, once paid.
    static let insertNewbornEnrolment = PreparedStatement(
        """
        INSERT INTO shebao.enrolment (office_id, person_id, citizen_id, scheme_code, status, start_period) \
        VALUES ($1, $2, $3, '390', 'active', \
        coalesce($4::integer, to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMM')::integer))
        """
    )
    static let endEnrolment = PreparedStatement(
        "UPDATE shebao.enrolment SET status = 'ended', end_period = $2 WHERE id = $1 AND status = 'active'"
    )
    static let declareBaseOnce = PreparedStatement(
        """
        INSERT INTO shebao.base_declaration (office_id, employer_id, person_id, year, declared_wage_fen, base_fen, status) \
        VALUES ($1, $2, $3, $4, $5, $6, 'approved') \
        ON CONFLICT (employer_id, person_id, year) WHERE status <> 'superseded' DO NOTHING
        """
    )
    static let supersedeDeclaration = PreparedStatement(
        """
        UPDATE shebao.base_declaration d SET status = 'superseded' FROM shebao.person p \
        WHERE d.person_id = p.id AND d.employer_id = $1 AND p.citizen_id = $2 AND d.year = $3 \
        AND d.status <> 'superseded'
        """
    )
    static let declareBase = PreparedStatement(
        """
        INSERT INTO shebao.base_declaration (office_id, employer_id, person_id, year, declared_wage_fen, base_fen, status) \
        SELECT $1, $2, p.id, $4, $5, $6, 'approved' FROM shebao.person p WHERE p.citizen_id = $3
        """
    )
    static let insertTransfer = PreparedStatement(
        """
        INSERT INTO shebao.person_transfer (office_id, destination_office_id, person_id, citizen_id, last_period, \
        out_application_id) SELECT $1, o.id, $3, $4, $5, $6 FROM shebao.office o WHERE o.code = $2
        """
    )
    static let insertBenefit = PreparedStatement(
        """
        INSERT INTO shebao.benefit (office_id, person_id, scheme_code, kind, monthly_amount_fen, start_period, \
        end_period, bank_code, bank_card_number, status, application_id) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10) RETURNING id
        """
    )
    static let acceptTransfer = PreparedStatement("SELECT shebao.accept_transfer($1, $2::integer, $3)")
    static let claimDocuments = PreparedStatement(
        "UPDATE shebao.person_document SET person_id = $2 WHERE application_id = $1 AND person_id IS NULL"
    )
    static let personSummary = PreparedStatement("SELECT name, citizen_id, phone FROM shebao.person WHERE id = $1")
    static let employerSummary = PreparedStatement("SELECT name, credit_code FROM shebao.employer WHERE id = $1")
}
