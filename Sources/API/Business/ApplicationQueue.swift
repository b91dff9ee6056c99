import Domain
import Foundation
import HTTPServer
import Postgres
import Store

/// `GET /api/v1/applications`: the review queue and the application history, filtered by
/// status, type, office, age and maker, a keyset page at a time. Persons see their own.
/// Lists carry masked identities; opening an application shows it in full.
enum ApplicationQueue {
    static func list(_ request: HTTPRequest, _ call: BusinessCall) throws -> HTTPResponse {
        let limit = try Query.integer(request, "limit", default: 50, range: 1...200)
        let cursor = try Query.optionalInteger(request, "cursor", range: 1...Int.max)
        let office = try Query.optionalInteger(request, "officeId", range: 1...Int.max)
        let age = try Query.optionalInteger(request, "olderThanDays", range: 0...3650)
        let status = try Query.oneOf(
            request,
            "status",
            ["draft", "submitted", "approved", "rejected", "returned", "cancelled"]
        )
        let type = try Query.oneOf(request, "type", ApplicationType.allCases.map(\.rawValue))
        let oldestFirst = try Query.oneOf(request, "order", ["newest", "oldest"]) == "oldest"
        let mine = try Query.oneOf(request, "mine", ["true", "false"]) == "true"
        let isPerson = call.principal.kind == .person
        let maker = mine && !isPerson ? try call.operatorID : nil
        let rows = try call.connection.query(
            isPerson ? (oldestFirst ? Self.oldestOwn : Self.newestOwn) : (oldestFirst ? Self.oldest : Self.newest),
            [status, type, office, age, maker, cursor, limit + 1]
        )
        return try KeysetPage.answer(request, rows, limit: limit, path: "/api/v1/applications") { row, writer in
            let type = ApplicationType(rawValue: try row.decode("type", as: String.self))
            writer.key("type")
            writer.string(type?.rawValue ?? "")
            writer.key("typeName")
            writer.string(type.map { ApplicationNames.name($0, call.language) } ?? "")
            let status = try row.decode("status", as: String.self)
            writer.key("status")
            writer.string(status)
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

/// Query parameters, checked: a bad one is a 400 naming it.
enum Query {
    static func integer(
        _ request: HTTPRequest,
        _ name: String,
        default value: Int,
        range: ClosedRange<Int>
    ) throws
        -> Int
    {
        try Self.optionalInteger(request, name, range: range) ?? value
    }

    static func optionalInteger(_ request: HTTPRequest, _ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = request.query(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw BusinessError(
                400,
                zh: "查询参数 \(name) 须为 \(range.lowerBound)–\(range.upperBound) 之间的整数",
                en: "the query parameter \(name) must be an integer in \(range.lowerBound)...\(range.upperBound)"
            )
        }
        return value
    }

    static func oneOf(_ request: HTTPRequest, _ name: String, _ allowed: [String]) throws -> String? {
        guard let text = request.query(name) else { return nil }
        guard allowed.contains(text) else {
            throw BusinessError(
                400,
                zh: "查询参数 \(name) 只能取：\(allowed.joined(separator: "、"))",
                en: "the query parameter \(name) must be one of: \(allowed.joined(separator: ", "))"
            )
        }
        return text
    }

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}
