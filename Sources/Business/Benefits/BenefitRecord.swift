public import Domain
public import Foundation
import Postgres

/// A benefit (待遇) as stored: whose, what kind and how much a month, from and to which period,
/// the bank and card it is paid to, its status with the reason and day of a suspension or end,
/// and the version a change expects.
public struct BenefitRecord: Sendable, Equatable {
    public var id: Int64
    public var officeID: Int64
    public var personID: Int64
    /// Nil when the person is outside the reader's scope (moved to another office).
    public var personName: String?
    public var citizenID: String?
    public var kind: BenefitKind
    public var schemeCode: String
    public var monthlyAmountFen: Int64
    /// `YYYYMM`.
    public var startPeriod: Int
    public var endPeriod: Int?
    public var bankCode: String
    public var bankName: String
    public var bankCardNumber: String
    public var status: BenefitStatus
    /// Why it is suspended or ended; nil when active.
    public var statusReason: String?
    /// The day the suspension or end took effect; nil when active.
    public var statusChangedOn: CalendarDate?
    /// The application that brought it in, for a takeover.
    public var applicationID: Int64?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// The version in quotes: the ETag a change sends back in If-Match.
    public var etag: String { "\"\(self.version)\"" }

    /// The record as a list shows it: the citizen ID and the card masked.
    public var summary: BenefitSummary {
        BenefitSummary(
            id: self.id,
            officeID: self.officeID,
            personID: self.personID,
            personName: self.personName,
            citizenIDMasked: self.citizenID.map(Masking.citizenID),
            kind: self.kind,
            monthlyAmountFen: self.monthlyAmountFen,
            startPeriod: self.startPeriod,
            endPeriod: self.endPeriod,
            bankCode: self.bankCode,
            bankCardMasked: Masking.bankCard(self.bankCardNumber),
            status: self.status,
            version: self.version
        )
    }

    /// What the audit trail keeps of it before and after a change.
    var auditedState: [String: String] {
        var state = ["status": self.status.rawValue, "version": "\(self.version)"]
        state["statusReason"] = self.statusReason
        state["statusChangedOn"] = self.statusChangedOn?.iso
        state["endPeriod"] = self.endPeriod.map { "\($0)" }
        return state
    }

    /// The record in `row`, read with ``columns``.
    ///
    /// - Throws: ``BusinessFailure`` corrupt for a kind, status or date the code does not know.
    static func decode(_ row: PostgresRow) throws -> BenefitRecord {
        guard let kind = BenefitKind(rawValue: try row.decode("kind", as: String.self)),
            let status = BenefitStatus(rawValue: try row.decode("status", as: String.self))
        else {
            throw BusinessFailure(.corrupt, zh: "待遇记录损坏", en: "a benefit record is malformed")
        }
        let changedOn = try row.decode("status_changed_on", as: String?.self)
        return BenefitRecord(
            id: try row.decode("id", as: Int64.self),
            officeID: try row.decode("office_id", as: Int64.self),
            personID: try row.decode("person_id", as: Int64.self),
            personName: try row.decode("person_name", as: String?.self),
            citizenID: try row.decode("citizen_id", as: String?.self),
            kind: kind,
            schemeCode: try row.decode("scheme_code", as: String.self),
            monthlyAmountFen: try row.decode("monthly_amount_fen", as: Int64.self),
            startPeriod: try row.decode("start_period", as: Int.self),
            endPeriod: try row.decode("end_period", as: Int?.self),
            bankCode: try row.decode("bank_code", as: String.self),
            bankName: try row.decode("bank_name", as: String.self),
            bankCardNumber: try row.decode("bank_card_number", as: String.self),
            status: status,
            statusReason: try row.decode("status_reason", as: String?.self),
            statusChangedOn: changedOn.flatMap(CalendarDate.init(iso:)),
            applicationID: try row.decode("application_id", as: Int64?.self),
            version: try row.decode("version", as: Int.self),
            createdAt: try row.decode("created_at", as: Date.self),
            updatedAt: try row.decode("updated_at", as: Date.self)
        )
    }

    /// The columns ``decode(_:)`` reads, of `shebao.benefit b` with its person (`p`, when in
    /// scope) and bank (`k`) joined as ``joins`` does.
    static let columns = """
        b.id, b.office_id, b.person_id, p.name AS person_name, p.citizen_id, b.kind, b.scheme_code, \
        b.monthly_amount_fen, b.start_period, b.end_period, b.bank_code, k.name AS bank_name, b.bank_card_number, \
        b.status, b.status_reason, b.status_changed_on::text, b.application_id, b.version, b.created_at, b.updated_at
        """
    static let joins = """
        shebao.benefit b LEFT JOIN shebao.person p ON p.id = b.person_id JOIN shebao.bank k ON k.code = b.bank_code
        """
}

/// A benefit as a list shows it: the citizen ID and the bank card masked.
public struct BenefitSummary: Sendable, Equatable {
    public var id: Int64
    public var officeID: Int64
    public var personID: Int64
    public var personName: String?
    public var citizenIDMasked: String?
    public var kind: BenefitKind
    public var monthlyAmountFen: Int64
    public var startPeriod: Int
    public var endPeriod: Int?
    public var bankCode: String
    public var bankCardMasked: String
    public var status: BenefitStatus
    public var version: Int
}
