import Business
import Domain
import Foundation
import HTTP1
import HTTPServer
import Postgres

/// The application workflow, one for every business type: preview (both check stages, nothing
/// saved), draft, change (`If-Match`), submit, and the reviewer's approve, reject or return;
/// the maker may cancel. Approval applies the effects, issues the voucher, audits and notifies
/// in one transaction.
public enum ApplicationRoutes {
    static let makers: Set<String> = ["clerk"]
    static let reviewers: Set<String> = ["reviewer"]
    static let readers: Set<String> = ["clerk", "reviewer", "office_manager"]

    struct Reasons: Decodable {
        var reasons: String
    }

    public static func register(on api: inout APIRouter, service: BusinessService) {
        let id = OpenAPI.Parameter.id("The application.")
        let one = OpenAPI.Reply.json("Application", "The application.", headers: ["ETag"])

        api.business(
            OpenAPI.Operation(
                method: .post,
                path: "/api/v1/applications/preview",
                id: "previewApplication",
                tag: "applications",
                summary: "预检业务申请 / Preview an application",
                description: """
                    Runs both check stages (accuracy and compliance) and computes the effects, such as the monthly \
                    contributions, without saving anything. Findings are in `checks` (`valid: false` when there \
                    is an error): the answer is 200 either way.
                    """,
                access: .business(.operators(Self.makers.union(Self.reviewers)), idempotent: false),
                requestBody: .json("ApplicationRequest"),
                responses: [
                    200: OpenAPI.Reply.json(
                        "ApplicationPreview",
                        "The checks' findings; `checks.valid` says if it can go."
                    )
                ],
                maxBodyBytes: TypedPayload.maxBytes
            ),
            service: service,
            action: "application.preview",
            changesState: false
        ) { call, input in
            let payload = try TypedPayload.decode(input)
            let outcome = try ApplicationWorkflow.preview(payload, call.context)
            var writer = JSONWriter(capacity: 2048)
            writer.beginObject()
            writer.key("type")
            writer.string(payload.type.rawValue)
            writer.key("payload")
            writer.json(try outcome.payload.json().text)
            writer.key("checks")
            StoredChecks(outcome).write(into: &writer, call.language)
            writer.endObject()
            return .json(writer.bytes)
        }

        api.business(
            OpenAPI.Operation(
                method: .post,
                path: "/api/v1/applications",
                id: "createApplication",
                tag: "applications",
                summary: "新建业务申请（草稿） / Create an application (draft)",
                description: """
                    Saves a draft with its check results (the maker is the caller): 201 whether or not the checks \
                    found errors (`checks.valid`); submission needs them corrected.
                    """,
                access: .business(.operators(Self.makers), idempotent: true),
                requestBody: .json("ApplicationRequest"),
                responses: [201: OpenAPI.Reply.json("Application", "Created.", headers: ["ETag", "Location"])],
                errors: [409, 422],
                maxBodyBytes: TypedPayload.maxBytes
            ),
            service: service,
            action: "application.create"
        ) { call, input in
            let record = try ApplicationWorkflow.create(try TypedPayload.decode(input), call.context)
            return try Self.answer(record, call, status: 201)
        }

        api.business(
            OpenAPI.Operation(
                method: .get,
                path: "/api/v1/applications/{id}",
                id: "getApplication",
                tag: "applications",
                summary: "查看业务申请 / Get an application",
                description: "In full, with the results of its last checks; the reading is audited.",
                access: .business(.personsAnd(Self.readers), idempotent: false),
                parameters: [id],
                responses: [200: one]
            ),
            service: service,
            action: "application.read"
        ) { call, input in
            // The payload holds the person's full details: opening it is audited like a record.
            try Self.answer(ApplicationWorkflow.read(input.integer(required: "id"), call.context), call)
        }

        api.business(
            OpenAPI.Operation(
                method: .put,
                path: "/api/v1/applications/{id}",
                id: "updateApplication",
                tag: "applications",
                summary: "修改业务申请 / Change an application",
                description: """
                    A draft or returned application, by its maker; the checks run again. The payload must be of \
                    the application's own type (422 naming each member otherwise).
                    """,
                access: .business(.operators(Self.makers), idempotent: false),
                parameters: [id, .ifMatchRequired],
                requestBody: .json("ApplicationUpdate"),
                responses: [200: one],
                errors: [409, 412, 422, 428],
                maxBodyBytes: TypedPayload.maxBytes
            ),
            service: service,
            action: "application.update"
        ) { call, input in
            let record = try ApplicationWorkflow.update(
                input.integer(required: "id"),
                expecting: Self.expectedVersion(input),
                payload: { type in try TypedPayload.decode(type, update: input) },
                call.context
            )
            return try Self.answer(record, call)
        }

        api.business(
            Self.step(
                "submit",
                id: "submitApplication",
                summary: "提交业务申请 / Submit an application",
                description: """
                    A draft or returned application goes to review, by its maker; the checks run again and any \
                    error is a 422 naming each field (the application stays as it was).
                    """,
                access: .operators(Self.makers)
            ),
            service: service,
            action: "application.submit"
        ) { call, input in
            let record = try ApplicationWorkflow.submit(
                input.integer(required: "id"),
                expecting: Self.expectedVersion(input),
                call.context
            )
            return try Self.answer(record, call)
        }

        api.business(
            Self.step(
                "approve",
                id: "approveApplication",
                summary: "复核通过 / Approve an application",
                description: """
                    The checks run again (an error is a 422); the effects apply, the voucher is issued, the \
                    applicant notified, all in one transaction. A reviewer other than the maker (maker-checker).
                    """,
                access: .operators(Self.reviewers)
            ),
            service: service,
            action: "application.approve"
        ) { call, input in
            let record = try ApplicationWorkflow.approve(
                input.integer(required: "id"),
                expecting: Self.expectedVersion(input),
                call.context
            )
            return try Self.answer(record, call)
        }

        for (verb, event, id, summary, description) in [
            (
                "reject", ApplicationEvent.rejected, "rejectApplication", "不予办理 / Reject an application",
                "With the reasons, for the applicant. A reviewer other than the maker."
            ),
            (
                "return", ApplicationEvent.returned, "returnApplication",
                "退回补正 / Return an application for correction",
                "With the reasons; the maker corrects and submits again. A reviewer other than the maker."
            ),
        ] {
            api.business(
                Self.step(
                    verb,
                    id: id,
                    summary: summary,
                    description: description,
                    access: .operators(Self.reviewers),
                    body: .json("Reasons")
                ),
                service: service,
                action: "application.\(verb)"
            ) { call, input in
                let record = try ApplicationWorkflow.decide(
                    input.integer(required: "id"),
                    event,
                    reasons: try input.body(Reasons.self).reasons,
                    expecting: Self.expectedVersion(input),
                    call.context
                )
                return try Self.answer(record, call)
            }
        }

        api.business(
            Self.step(
                "cancel",
                id: "cancelApplication",
                summary: "撤销业务申请 / Cancel an application",
                description: "A draft or returned application, by its maker.",
                access: .operators(Self.makers)
            ),
            service: service,
            action: "application.cancel"
        ) { call, input in
            let record = try ApplicationWorkflow.cancel(
                input.integer(required: "id"),
                expecting: Self.expectedVersion(input),
                call.context
            )
            return try Self.answer(record, call)
        }

        api.business(ApplicationQueue.operation, service: service, action: "application.list") { call, input in
            try ApplicationQueue.list(input, call)
        }
    }

    /// A step of the workflow: `POST /api/v1/applications/{id}/<verb>`.
    static func step(
        _ verb: String,
        id: String,
        summary: String,
        description: String,
        access: Access,
        body: OpenAPI.RequestBody? = nil
    ) -> OpenAPI.Operation {
        OpenAPI.Operation(
            method: .post,
            path: "/api/v1/applications/{id}/\(verb)",
            id: id,
            tag: "applications",
            summary: summary,
            description: description,
            access: .business(access, idempotent: true),
            parameters: [.id("The application."), .ifMatch],
            requestBody: body,
            responses: [200: OpenAPI.Reply.json("Application", "The application, changed.", headers: ["ETag"])],
            errors: [409, 412, 422],
            maxBodyBytes: body == nil ? nil : 32 * 1024
        )
    }

    // MARK: Answers

    /// The version the request's `If-Match` expects: any (`*`), or those of its entity tags,
    /// weak or strong, that name one (`"3"`, `W/"3"`); nil without the field.
    static func expectedVersion(_ input: RequestInput) -> ExpectedVersion? {
        guard let condition = input.string("If-Match") else { return nil }
        let tags = condition.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.contains("*") { return .any }
        return .oneOf(
            tags.compactMap { tag in
                let strong = tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
                let digits = strong.dropFirst().dropLast()
                guard strong.first == "\"", strong.last == "\"", !digits.isEmpty,
                    digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0"
                else { return nil }
                return Int(digits)
            }
        )
    }

    static func answer(_ record: ApplicationRecord, _ call: BusinessCall, status: Int = 200) throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("ETag", record.etag)]
        if status == 201 {
            headers.append(("Location", "/api/v1/applications/\(record.id)"))
        }
        return HTTPResponse(status: status, headers: headers, body: try record.json(call.language))
    }
}
