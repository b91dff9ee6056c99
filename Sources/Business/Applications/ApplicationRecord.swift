public import Domain
public import Foundation
public import Postgres

/// An application row as the workflow reads it.
public struct ApplicationRecord: Sendable {
    public var id: Int64
    public var officeID: Int64
    public var type: ApplicationType
    public var status: ApplicationStatus
    public var payload: PostgresJSON
    public var checkResults: PostgresJSON?
    public var personID: Int64?
    public var employerID: Int64?
    public var makerID: Int64
    public var checkerID: Int64?
    public var reasons: String?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var submittedAt: Date?
    public var decidedAt: Date?
    public var voucherNumber: String?

    public var etag: String { "\"\(self.version)\"" }

    /// The application `id` of the caller's offices, locked for update when `forUpdate`.
    public static func load(
        _ id: Int64,
        forUpdate: Bool = false,
        on connection: PostgresConnection
    ) throws -> ApplicationRecord {
        guard let row = try connection.query(forUpdate ? Self.findForUpdate : Self.find, [id]).first else {
            throw BusinessFailure.notFound("该业务申请", "application")
        }
        return try Self.decode(row)
    }

    public static func decode(_ row: PostgresRow) throws -> ApplicationRecord {
        guard let type = ApplicationType(rawValue: try row.decode("type", as: String.self)) else {
            throw BusinessFailure(.corrupt, zh: "未知的业务类型", en: "an application of an unknown type")
        }
        return ApplicationRecord(
            id: try row.decode("id", as: Int64.self),
            officeID: try row.decode("office_id", as: Int64.self),
            type: type,
            status: try Self.status(row),
            payload: try row.decode("payload", as: PostgresJSON.self),
            checkResults: try row.decode("check_results", as: PostgresJSON?.self),
            personID: try row.decode("person_id", as: Int64?.self),
            employerID: try row.decode("employer_id", as: Int64?.self),
            makerID: try row.decode("maker_id", as: Int64.self),
            checkerID: try row.decode("checker_id", as: Int64?.self),
            reasons: try row.decode("reasons", as: String?.self),
            version: try row.decode("version", as: Int.self),
            createdAt: try row.decode("created_at", as: Date.self),
            updatedAt: try row.decode("updated_at", as: Date.self),
            submittedAt: try row.decode("submitted_at", as: Date?.self),
            decidedAt: try row.decode("decided_at", as: Date?.self),
            voucherNumber: try row.decode("voucher_number", as: String?.self)
        )
    }

    /// The status in `row`'s `status` column.
    ///
    /// - Throws: ``BusinessFailure`` corrupt for a value that is none of the workflow's statuses.
    public static func status(_ row: PostgresRow) throws -> ApplicationStatus {
        guard let status = ApplicationStatus(rawValue: try row.decode("status", as: String.self)) else {
            throw BusinessFailure(.corrupt, zh: "未知的申请状态", en: "an application in an unknown status")
        }
        return status
    }

    public static let columns = """
        a.id, a.office_id, a.type, a.status, a.payload, a.check_results, a.person_id, a.employer_id, a.maker_id, \
        a.checker_id, a.reasons, a.version, a.created_at, a.updated_at, a.submitted_at, a.decided_at, \
        (SELECT v.number FROM shebao.voucher v WHERE v.application_id = a.id) AS voucher_number
        """
    static let find = PreparedStatement("SELECT \(columns) FROM shebao.application a WHERE a.id = $1")
    static let findForUpdate = PreparedStatement(
        "SELECT \(columns) FROM shebao.application a WHERE a.id = $1 FOR UPDATE OF a"
    )
}

/// Check results as stored with the application: codes and arguments, no language; the
/// messages are written when read, in the reader's language.
public struct StoredChecks: Codable, Sendable {
    public struct Issue: Codable, Sendable {
        var field: String
        var code: String
        var severity: String
        var arguments: [String: String]
    }

    public var issues: [Issue]
    public var effects: Effects
    public var checkedAt: String

    public init(_ outcome: CheckOutcome, at date: Date = Date()) {
        self.issues = outcome.issues.map {
            Issue(field: $0.field, code: $0.code.rawValue, severity: $0.severity.rawValue, arguments: $0.arguments)
        }
        self.effects = outcome.effects
        self.checkedAt = date.formatted(.iso8601)
    }

    public var validationIssues: [ValidationIssue] {
        self.issues.compactMap { issue in
            guard let code = IssueCode(rawValue: issue.code), let severity = Severity(rawValue: issue.severity) else {
                return nil
            }
            return ValidationIssue(field: issue.field, code: code, severity: severity, arguments: issue.arguments)
        }
    }
}

/// Names of business types and statuses, in both languages.
public enum ApplicationNames {
    public static func name(_ type: ApplicationType, _ language: Language) -> String {
        let names: (String, String) =
            switch type {
            case .personRegistration: ("个人参保登记", "person registration")
            case .personChange: ("个人信息变更", "change of personal details")
            case .employerRegistration: ("单位参保登记", "employer registration")
            case .enrolment: ("险种参保（增员）", "enrolment")
            case .newbornEnrolment: ("新生儿参保登记", "newborn enrolment")
            case .enrolmentEnd: ("停保（减员）", "end of enrolment")
            case .baseDeclaration: ("缴费基数申报", "contribution base declaration")
            case .transferOut: ("社会保险关系转出", "transfer out")
            case .transferIn: ("社会保险关系转入", "transfer in")
            case .benefitTakeover: ("待遇接续（原系统移交）", "benefit takeover")
            }
        return language == .en ? names.1 : names.0
    }

    public static func status(_ status: ApplicationStatus, _ language: Language) -> String {
        let names: (String, String) =
            switch status {
            case .draft: ("草稿", "draft")
            case .submitted: ("已受理，待复核", "submitted, awaiting review")
            case .approved: ("已办结", "approved")
            case .rejected: ("不予办理", "rejected")
            case .returned: ("退回补正", "returned for correction")
            case .cancelled: ("已撤销", "cancelled")
            }
        return language == .en ? names.1 : names.0
    }
}
