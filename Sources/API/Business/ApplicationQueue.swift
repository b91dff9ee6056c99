import Domain
import Foundation
import HTTP1
import HTTPServer
import Postgres
import Store

/// `GET /api/v1/applications`: the review queue and the application history, filtered by
/// status, type, office, age and maker, a keyset page at a time. Persons see their own.
/// Lists carry masked identities; opening an application shows it in full.
enum ApplicationQueue {
    static let operation = OpenAPI.Operation(
        method: .get,
        path: "/api/v1/applications",
        id: "listApplications",
        tag: "applications",
        summary: "业务申请列表 / List applications",
        description: """
            The review queue and the history, filtered, a keyset page at a time; identities masked. An \
            insured person's list holds their own applications only.
            """,
        access: .business(.personsAnd(ApplicationRoutes.readers), idempotent: false),
        parameters: [
            .limit(default: 50, maximum: 200),
            .cursor,
            .query("status", OpenAPI.Schema.ref("ApplicationStatus"), "Only this status."),
            .query("type", OpenAPI.Schema.ref("ApplicationType"), "Only this business type."),
            .query("officeId", OpenAPI.Schema.id(), "Only this office."),
            .query(
                "olderThanDays",
                OpenAPI.Schema.integer(minimum: 0, maximum: 3650, format: "int32"),
                "Only those submitted (or created) at least this many days ago."
            ),
            .query(
                "order",
                ["type": "string", "enum": ["newest", "oldest"], "default": "newest"],
                "Newest first, or oldest first (a queue)."
            ),
            .query("mine", ["type": "boolean", "default": false], "Only the caller's own applications."),
        ],
        responses: [200: OpenAPI.Reply.json("ApplicationList", "A page of applications.")]
    )

    static func list(_ input: RequestInput, _ call: BusinessCall) throws -> HTTPResponse {
        let limit = input.integer(required: "limit")
        let oldestFirst = input.string("order") == "oldest"
        let mine = input.bool("mine") ?? false
        let isPerson = call.principal.kind == .person
        let maker = mine && !isPerson ? try call.operatorID : nil
        let rows = try call.connection.query(
            isPerson ? (oldestFirst ? Self.oldestOwn : Self.newestOwn) : (oldestFirst ? Self.oldest : Self.newest),
            [
                input.string("status"), input.string("type"), input.integer("officeId"),
                input.integer("olderThanDays").map(Int32.init), maker, input.integer("cursor"), limit + 1,
            ]
        )
        return try KeysetPage.answer(call.request, rows, limit: Int(limit), path: "/api/v1/applications") {
            row,
            writer in
            let type = ApplicationType(rawValue: try row.decode("type", as: String.self))
            writer.key("type")
            writer.string(type?.rawValue ?? "")
            writer.key("typeName")
            writer.string(type.map { ApplicationNames.name($0, call.language) } ?? "")
            let status = try ApplicationRecord.status(row)
            writer.key("status")
            writer.string(status.rawValue)
            writer.key("statusName")
            writer.string(ApplicationNames.status(status, call.language))
            writer.key("officeId")
            writer.number(try row.decode("office_id", as: Int64.self))
            writer.key("makerId")
            writer.number(try row.decode("maker_id", as: Int64.self))
            writer.key("subjectName")
            writer.optional(try row.decode("subject_name", as: String?.self).map(Masking.name))
            writer.key("subjectIdMasked")
            writer.optional(try row.decode("subject_id", as: String?.self).map(Self.maskIdentifier))
            for (key, column) in [("createdAt", "created_at"), ("submittedAt", "submitted_at")] {
                writer.key(key)
                writer.optional(try row.decode(column, as: Date?.self)?.formatted(.iso8601))
            }
            writer.key("version")
            writer.number(try row.decode("version", as: Int.self))
        }
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

/// Query text.
enum Query {
    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}
