import Business
import Domain
import Foundation
import HTTP1
import HTTPServer
import Postgres

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
        let filter = ApplicationFilter(
            status: input.string("status").flatMap(ApplicationStatus.init(rawValue:)),
            type: input.string("type").flatMap(ApplicationType.init(rawValue:)),
            officeID: input.integer("officeId"),
            olderThanDays: input.integer("olderThanDays").map { Int($0) },
            mine: input.bool("mine") ?? false,
            oldestFirst: input.string("order") == "oldest"
        )
        let page = try ApplicationQueries.list(filter, KeysetPage.request(input), call.context)
        return try KeysetPage.answer(call.request, page, path: "/api/v1/applications", id: \.id) { item, writer in
            writer.key("type")
            writer.string(item.type?.rawValue ?? "")
            writer.key("typeName")
            writer.string(item.type.map { ApplicationNames.name($0, call.language) } ?? "")
            writer.key("status")
            writer.string(item.status.rawValue)
            writer.key("statusName")
            writer.string(ApplicationNames.status(item.status, call.language))
            writer.key("officeId")
            writer.number(item.officeID)
            writer.key("makerId")
            writer.number(item.makerID)
            writer.key("subjectName")
            writer.optional(item.subjectNameMasked)
            writer.key("subjectIdMasked")
            writer.optional(item.subjectIdentifierMasked)
            for (key, value) in [("createdAt", item.createdAt), ("submittedAt", item.submittedAt)] {
                writer.key(key)
                writer.optional(value?.formatted(.iso8601))
            }
            writer.key("version")
            writer.number(item.version)
        }
    }
}

/// Query text.
enum Query {
    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}
