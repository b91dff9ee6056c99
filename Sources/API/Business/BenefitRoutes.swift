import Business
import Domain
import Foundation
import HTTP1
import HTTPServer

/// Benefits (待遇) as records: a list a page at a time (citizen ID and card masked), a record in
/// full (audited) and the change of its status (`If-Match`, audited with the record before and
/// after). Insured persons list and read their own.
///
/// Who: the benefit records are read by the roles that handle benefits, the clerks and
/// reviewers of the business, the office managers and both disbursement roles (the runs pay
/// what these records say); a status is changed by those who enter business, the clerk and
/// the disbursement officer, as a suspension or an end is entered at the counter or found while
/// preparing a run. The reviewer and the disbursement approver decide others' work and enter
/// none of their own.
public enum BenefitRoutes {
    static let readers: Set<String> = [
        "clerk", "reviewer", "office_manager", "disbursement_officer", "disbursement_approver",
    ]
    static let changers: Set<String> = ["clerk", "disbursement_officer"]

    struct StatusBody: Decodable {
        var status: String
        var reason: String?
        var effectiveOn: String?
    }

    public static func register(on api: inout APIRouter, service: BusinessService) {
        let one = OpenAPI.Reply.json("Benefit", "The benefit.", headers: ["ETag"])

        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/benefits",
                id: "listBenefits",
                tag: "benefits",
                summary: "查询待遇 / List benefits",
                description: "Of a person, a kind or a status, or all of them; citizen ID and card masked.",
                access: .business(.personsAnd(Self.readers), idempotent: false),
                parameters: [
                    .query("personId", OpenAPI.Schema.id(), "The person's."),
                    .query("kind", OpenAPI.Schema.ref("BenefitKind"), "Of this kind."),
                    .query("status", OpenAPI.Schema.ref("BenefitStatus"), "In this status."),
                    .limit(default: 20, maximum: 100),
                    .cursor,
                ],
                responses: [200: OpenAPI.Reply.json("BenefitList", "A page, newest first.")]
            ),
            service: service,
            action: "benefit.list"
        ) { call, input in
            try Self.list(input, call)
        }

        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/benefits/{id}",
                id: "getBenefit",
                tag: "benefits",
                summary: "查看待遇 / Get a benefit",
                description: "The record in full; the reading is audited.",
                access: .business(.personsAnd(Self.readers), idempotent: false),
                parameters: [.id("The benefit.")],
                responses: [200: one]
            ),
            service: service,
            action: "benefit.read"
        ) { call, input in
            try Self.answer(Benefits.benefit(input.integer(required: "id"), call.context), call)
        }

        api.business(
            OpenAPI.Operation(
                method: .post,
                path: "/api/v1/benefits/{id}/status",
                id: "changeBenefitStatus",
                tag: "benefits",
                summary: "变更待遇状态 / Change a benefit's status",
                description: """
                    Suspends (暂停) or ends (终止) a benefit with the reason and the day it takes effect, or \
                    resumes a suspended one; an ended benefit is final (409). The change names the version read \
                    (If-Match, required: 412 when stale) and is audited with the record before and after.
                    """,
                access: .business(.operators(Self.changers), idempotent: true),
                parameters: [.id("The benefit."), .ifMatchRequired],
                requestBody: .json("BenefitStatusChange"),
                responses: [200: OpenAPI.Reply.json("Benefit", "The benefit, changed.", headers: ["ETag"])],
                errors: [409, 412, 422, 428],
                maxBodyBytes: 32 * 1024
            ),
            service: service,
            action: "benefit.status"
        ) { call, input in
            let body = try input.body(StatusBody.self)
            guard let status = BenefitStatus(rawValue: body.status) else {
                preconditionFailure("a BenefitStatusChange passed its schema with an unknown status")
            }
            let change = BenefitStatusChange(
                status: status,
                reason: body.reason,
                effectiveOn: body.effectiveOn.flatMap(CalendarDate.init(iso:))
            )
            let record = try Benefits.changeStatus(
                input.integer(required: "id"),
                change,
                expecting: ApplicationRoutes.expectedVersion(input),
                call.context
            )
            return try Self.answer(record, call)
        }
    }

    // MARK: Answers

    static func list(_ input: RequestInput, _ call: BusinessCall) throws -> HTTPResponse {
        let filter = BenefitFilter(
            personID: input.integer("personId"),
            kind: input.string("kind").flatMap(BenefitKind.init(rawValue:)),
            status: input.string("status").flatMap(BenefitStatus.init(rawValue:))
        )
        let page = try Benefits.list(filter, KeysetPage.request(input), call.context)
        return try KeysetPage.answer(call.request, page, path: "/api/v1/benefits", id: \.id) { benefit, writer in
            Self.writeShared(benefit, call.language, into: &writer)
            writer.key("citizenIdMasked")
            writer.optional(benefit.citizenIDMasked)
            writer.key("bankCardMasked")
            writer.string(benefit.bankCardMasked)
        }
    }

    static func answer(_ record: BenefitRecord, _ call: BusinessCall) throws -> HTTPResponse {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("id")
        writer.number(record.id)
        Self.writeShared(record.summary, call.language, into: &writer)
        for (key, value) in [
            ("citizenId", record.citizenID), ("schemeCode", record.schemeCode),
            ("monthlyAmount", Money.yuan(record.monthlyAmountFen)), ("bankName", record.bankName),
            ("bankCardNumber", record.bankCardNumber), ("statusReason", record.statusReason),
            ("statusChangedOn", record.statusChangedOn?.iso), ("createdAt", record.createdAt.formatted(.iso8601)),
            ("updatedAt", record.updatedAt.formatted(.iso8601)),
        ] {
            writer.key(key)
            writer.optional(value)
        }
        writer.key("applicationId")
        writer.optional(record.applicationID)
        writer.endObject()
        return HTTPResponse(
            status: 200,
            headers: [("Content-Type", "application/json"), ("ETag", record.etag)],
            body: writer.bytes
        )
    }

    /// The members a list's item and a record share (none of them masked).
    private static func writeShared(_ benefit: BenefitSummary, _ language: Language, into writer: inout JSONWriter) {
        for (key, value) in [("officeId", benefit.officeID), ("personId", benefit.personID)] {
            writer.key(key)
            writer.number(value)
        }
        writer.key("personName")
        writer.optional(benefit.personName)
        for (key, value) in [
            ("kind", benefit.kind.rawValue), ("kindName", benefit.kind.name(language)), ("bankCode", benefit.bankCode),
            ("status", benefit.status.rawValue), ("statusName", benefit.status.name(language)),
        ] {
            writer.key(key)
            writer.string(value)
        }
        for (key, value) in [
            ("monthlyAmountFen", benefit.monthlyAmountFen), ("startPeriod", Int64(benefit.startPeriod)),
            ("version", Int64(benefit.version)),
        ] {
            writer.key(key)
            writer.number(value)
        }
        writer.key("endPeriod")
        writer.optional(benefit.endPeriod.map(Int64.init))
    }
}
