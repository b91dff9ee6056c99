import Domain
import Foundation
import HTTPServer
import Postgres

/// An application row as the workflow reads it.
struct ApplicationRecord: Sendable {
    var id: Int64
    var officeID: Int64
    var type: ApplicationType
    var status: ApplicationStatus
    var payload: PostgresJSON
    var checkResults: PostgresJSON?
    var personID: Int64?
    var employerID: Int64?
    var makerID: Int64
    var checkerID: Int64?
    var reasons: String?
    var version: Int
    var createdAt: Date
    var updatedAt: Date
    var submittedAt: Date?
    var decidedAt: Date?
    var voucherNumber: String?

    var etag: String { "\"\(self.version)\"" }

    /// The application `id` of the caller's offices, locked for update when `forUpdate`.
    static func load(
        _ id: Int64,
        forUpdate: Bool = false,
        on connection: PostgresConnection
    ) throws -> ApplicationRecord {
        guard let row = try connection.query(forUpdate ? Self.findForUpdate : Self.find, [id]).first else {
            throw BusinessError.notFound("该业务申请", "application")
        }
        return try Self.decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> ApplicationRecord {
        guard let type = ApplicationType(rawValue: try row.decode("type", as: String.self)) else {
            throw BusinessError(500, zh: "未知的业务类型", en: "an application of an unknown type")
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
    /// - Throws: ``BusinessError`` 500 for a value that is none of the workflow's statuses.
    static func status(_ row: PostgresRow) throws -> ApplicationStatus {
        guard let status = ApplicationStatus(rawValue: try row.decode("status", as: String.self)) else {
            throw BusinessError(500, zh: "未知的申请状态", en: "an application in an unknown status")
        }
        return status
    }

    static let columns = """
        a.id, a.office_id, a.type, a.status, a.payload, a.check_results, a.person_id, a.employer_id, a.maker_id, \
        a.checker_id, a.reasons, a.version, a.created_at, a.updated_at, a.submitted_at, a.decided_at, \
        (SELECT v.number FROM shebao.voucher v WHERE v.application_id = a.id) AS voucher_number
        """
    static let find = PreparedStatement("SELECT \(columns) FROM shebao.application a WHERE a.id = $1")
    static let findForUpdate = PreparedStatement(
        "SELECT \(columns) FROM shebao.application a WHERE a.id = $1 FOR UPDATE OF a"
    )

    /// The stored check results in the API's form, messages in `language`.
    func writeChecks(into writer: inout JSONWriter, _ language: Language) throws {
        guard let stored = self.checkResults else {
            writer.null()
            return
        }
        let results = try stored.decode(StoredChecks.self)
        results.write(into: &writer, language)
    }

    func json(_ language: Language) throws -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        try self.write(into: &writer, language)
        return writer.bytes
    }

    func write(into writer: inout JSONWriter, _ language: Language) throws {
        writer.beginObject()
        writer.key("id")
        writer.number(self.id)
        writer.key("type")
        writer.string(self.type.rawValue)
        writer.key("typeName")
        writer.string(ApplicationNames.name(self.type, language))
        writer.key("status")
        writer.string(self.status.rawValue)
        writer.key("statusName")
        writer.string(ApplicationNames.status(self.status, language))
        writer.key("officeId")
        writer.number(self.officeID)
        writer.key("payload")
        writer.json(self.payload.text)
        writer.key("checks")
        try self.writeChecks(into: &writer, language)
        for (key, value) in [
            ("personId", self.personID), ("employerId", self.employerID), ("makerId", self.makerID),
            ("checkerId", self.checkerID),
        ] {
            writer.key(key)
            writer.optional(value)
        }
        writer.key("reasons")
        writer.optional(self.reasons)
        writer.key("version")
        writer.number(self.version)
        for (key, value) in [
            ("createdAt", self.createdAt), ("updatedAt", self.updatedAt), ("submittedAt", self.submittedAt),
            ("decidedAt", self.decidedAt),
        ] {
            writer.key(key)
            writer.optional(value?.formatted(.iso8601))
        }
        writer.key("voucherNumber")
        writer.optional(self.voucherNumber)
        writer.endObject()
    }
}

/// Check results as stored with the application: codes and arguments, no language; the
/// messages are written when read, in the reader's language.
struct StoredChecks: Codable, Sendable {
    struct Issue: Codable, Sendable {
        var field: String
        var code: String
        var severity: String
        var arguments: [String: String]
    }

    var issues: [Issue]
    var effects: Effects
    var checkedAt: String

    init(_ outcome: CheckOutcome, at date: Date = Date()) {
        self.issues = outcome.issues.map {
            Issue(field: $0.field, code: $0.code.rawValue, severity: $0.severity.rawValue, arguments: $0.arguments)
        }
        self.effects = outcome.effects
        self.checkedAt = date.formatted(.iso8601)
    }

    var validationIssues: [ValidationIssue] {
        self.issues.compactMap { issue in
            guard let code = IssueCode(rawValue: issue.code), let severity = Severity(rawValue: issue.severity) else {
                return nil
            }
            return ValidationIssue(field: issue.field, code: code, severity: severity, arguments: issue.arguments)
        }
    }

    func write(into writer: inout JSONWriter, _ language: Language) {
        let issues = self.validationIssues
        writer.beginObject()
        writer.key("valid")
        writer.bool(!issues.hasErrors)
        writer.key("errors")
        IssueJSON.write(issues.filter { $0.severity == .error }, language, into: &writer)
        writer.key("warnings")
        IssueJSON.write(issues.filter { $0.severity == .warning }, language, into: &writer)
        writer.key("effects")
        EffectsJSON.write(self.effects, language, into: &writer)
        writer.key("checkedAt")
        writer.string(self.checkedAt)
        writer.endObject()
    }
}

/// Effects as the API writes them, with figures in yuan beside the fen.
enum EffectsJSON {
    static func write(_ effects: Effects, _ language: Language, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("contributions")
        writer.beginArray()
        for line in effects.contributions {
            writer.beginObject()
            writer.key("schemeCode")
            writer.string(line.schemeCode)
            writer.key("schemeName")
            writer.string(Scheme(rawValue: line.schemeCode).map { language == .en ? $0.nameEn : $0.nameZh } ?? "")
            for (key, value) in [
                ("declaredWageFen", line.declaredWageFen), ("baseFen", line.baseFen),
                ("baseFloorFen", line.baseFloorFen), ("baseCeilingFen", line.baseCeilingFen),
                ("employerFen", line.employerFen), ("personalFen", line.personalFen),
            ] {
                writer.key(key)
                writer.number(value)
            }
            writer.key("clamped")
            writer.optional(line.clamped)
            writer.key("employerRate")
            writer.string(Money.percent(ppm: line.employerRatePpm))
            writer.key("personalRate")
            writer.string(Money.percent(ppm: line.personalRatePpm))
            writer.key("base")
            writer.string(Money.yuan(line.baseFen))
            writer.key("employer")
            writer.string(Money.yuan(line.employerFen))
            writer.key("personal")
            writer.string(Money.yuan(line.personalFen))
            writer.endObject()
        }
        writer.endArray()
        if let employer = effects.monthlyEmployerFen, let personal = effects.monthlyPersonalFen {
            writer.key("monthlyEmployerFen")
            writer.number(employer)
            writer.key("monthlyPersonalFen")
            writer.number(personal)
        }
        writer.key("changes")
        writer.beginArray()
        for change in effects.changes {
            writer.beginObject()
            writer.key("field")
            writer.string(change.field)
            writer.key("from")
            writer.optional(change.from)
            writer.key("to")
            writer.optional(change.to)
            writer.endObject()
        }
        writer.endArray()
        if let cover = effects.coverFrom {
            writer.key("coverFrom")
            writer.string(cover)
        }
        writer.key("enrolments")
        writer.beginArray()
        for line in effects.enrolments { writer.string(line) }
        writer.endArray()
        writer.endObject()
    }
}

/// Names of business types and statuses, in both languages.
enum ApplicationNames {
    static func name(_ type: ApplicationType, _ language: Language) -> String {
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
            }
        return language == .en ? names.1 : names.0
    }

    static func status(_ status: ApplicationStatus, _ language: Language) -> String {
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
