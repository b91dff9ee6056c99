public import Domain
public import Foundation
import Postgres
import Store

/// An application as lists show it: identities masked.
public struct ApplicationSummary: Sendable, Equatable {
    public var id: Int64
    /// Nil for a type this version does not know.
    public var type: ApplicationType?
    public var status: ApplicationStatus
    public var officeID: Int64
    public var makerID: Int64
    /// The name of whom it concerns, masked.
    public var subjectNameMasked: String?
    /// Their citizen ID or credit code, masked.
    public var subjectIdentifierMasked: String?
    public var createdAt: Date
    public var submittedAt: Date?
    public var version: Int
}

/// What lists of applications are filtered by; nil is "any".
public struct ApplicationFilter: Sendable, Equatable {
    public var status: ApplicationStatus?
    public var type: ApplicationType?
    public var officeID: Int64?
    /// Submitted (or created) at least this many days ago.
    public var olderThanDays: Int?
    /// Only the caller's own (an operator's).
    public var mine: Bool
    /// Oldest first (a queue) rather than newest first.
    public var oldestFirst: Bool

    public init(
        status: ApplicationStatus? = nil,
        type: ApplicationType? = nil,
        officeID: Int64? = nil,
        olderThanDays: Int? = nil,
        mine: Bool = false,
        oldestFirst: Bool = false
    ) {
        self.status = status
        self.type = type
        self.officeID = officeID
        self.olderThanDays = olderThanDays
        self.mine = mine
        self.oldestFirst = oldestFirst
    }
}

/// The review queue and the application history. Persons see their own only.
public enum ApplicationQueries {
    /// A page of the applications the caller's scope sees that pass `filter`.
    public static func list(
        _ filter: ApplicationFilter,
        _ page: PageRequest,
        _ context: BusinessContext
    ) throws -> Page<ApplicationSummary> {
        let isPerson = context.principal.kind == .person
        let maker = filter.mine && !isPerson ? try context.operatorID : nil
        let statement =
            isPerson
            ? (filter.oldestFirst ? Self.oldestOwn : Self.newestOwn) : (filter.oldestFirst ? Self.oldest : Self.newest)
        let rows = try context.connection.query(
            statement,
            [
                filter.status?.rawValue, filter.type?.rawValue, filter.officeID, filter.olderThanDays.map(Int32.init),
                maker, page.cursor, page.limit + 1,
            ]
        )
        let items = try rows.map { row in
            ApplicationSummary(
                id: try row.decode("id", as: Int64.self),
                type: ApplicationType(rawValue: try row.decode("type", as: String.self)),
                status: try ApplicationRecord.status(row),
                officeID: try row.decode("office_id", as: Int64.self),
                makerID: try row.decode("maker_id", as: Int64.self),
                subjectNameMasked: try row.decode("subject_name", as: String?.self).map(Masking.name),
                subjectIdentifierMasked: try row.decode("subject_id", as: String?.self).map(Self.maskIdentifier),
                createdAt: try row.decode("created_at", as: Date.self),
                submittedAt: try row.decode("submitted_at", as: Date?.self),
                version: try row.decode("version", as: Int.self)
            )
        }
        return Page(fetched: items, limit: page.limit, id: \.id)
    }

    /// A citizen ID or a credit code, masked.
    static func maskIdentifier(_ value: String) -> String {
        value.utf8.count == 18 && value.first?.isNumber == true && value.dropLast().allSatisfy(\.isNumber)
            ? Masking.citizenID(value) : Masking.creditCode(value)
    }

    /// A page of applications, newest or oldest first. An insured person's reads no employer
    /// (their role may not), and row-level security keeps them to their own.
    private static func statement(_ order: String, _ comparison: String, forPerson: Bool = false) -> PreparedStatement {
        let employer = forPerson ? "NULL::text" : "e.name"
        let credit = forPerson ? "NULL::text" : "e.credit_code"
        let join = forPerson ? "" : "LEFT JOIN shebao.employer e ON e.id = a.employer_id "
        return PreparedStatement(
            """
            SELECT a.id, a.type, a.status, a.office_id, a.maker_id, a.version, a.created_at, a.submitted_at, \
            coalesce(a.payload->>'name', \(employer), p.name) AS subject_name, \
            coalesce(a.payload->>'citizenId', a.payload->>'creditCode', p.citizen_id, \(credit)) AS subject_id \
            FROM shebao.application a \
            LEFT JOIN shebao.person p ON p.id = a.person_id \
            \(join)\
            WHERE ($1::text IS NULL OR a.status = $1) AND ($2::text IS NULL OR a.type = $2) \
            AND ($3::bigint IS NULL OR a.office_id = $3) \
            AND ($4::integer IS NULL OR coalesce(a.submitted_at, a.created_at) <= now() - make_interval(days => $4)) \
            AND ($5::bigint IS NULL OR a.maker_id = $5) AND ($6::bigint IS NULL OR a.id \(comparison) $6) \
            ORDER BY a.id \(order) LIMIT $7
            """
        )
    }

    static let newest = Self.statement("DESC", "<")
    static let oldest = Self.statement("ASC", ">")
    static let newestOwn = Self.statement("DESC", "<", forPerson: true)
    static let oldestOwn = Self.statement("ASC", ">", forPerson: true)
}
