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
            let outcome = try Self.check(payload, office: call.principal.officeID, call)
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
            let payload = try TypedPayload.decode(input)
            let outcome = try Self.check(payload, office: call.principal.officeID, call)
            let id = try call.connection.query(
                Self.insert,
                [
                    call.principal.officeID, payload.type.rawValue, try outcome.payload.json(),
                    try PostgresJSON(encoding: StoredChecks(outcome)),
                    outcome.personID, outcome.employerID, try call.operatorID,
                ]
            ).single().decode(0, as: Int64.self)
            let record = try ApplicationRecord.load(id, on: call.connection)
            try call.audit("application.create", target: ("application", id), after: record.payload)
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
            let record = try ApplicationRecord.load(input.integer(required: "id"), on: call.connection)
            // The payload holds the person's full details: opening it is audited like a record.
            try call.audit("application.read", target: ("application", record.id), office: record.officeID)
            return try Self.answer(record, call)
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
            let (record, transition) = try Self.loadForMaker(input, call, on: .changed, requireIfMatch: true)
            let payload = try TypedPayload.decode(record.type, update: input)
            let outcome = try Self.check(payload, office: record.officeID, call)
            try Self.persist(
                transition,
                of: record,
                [
                    try outcome.payload.json(), try PostgresJSON(encoding: StoredChecks(outcome)), outcome.personID,
                    outcome.employerID,
                ],
                call
            )
            let updated = try ApplicationRecord.load(record.id, on: call.connection)
            try call.audit(
                "application.update",
                target: ("application", record.id),
                before: record.payload,
                after: updated.payload
            )
            return try Self.answer(updated, call)
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
            let (record, transition) = try Self.loadForMaker(input, call, on: .submitted, requireIfMatch: false)
            let outcome = try Self.recheck(record, call)
            guard !outcome.issues.hasErrors else {
                throw BusinessError.invalid(outcome.issues)
            }
            try Self.persist(
                transition,
                of: record,
                [try PostgresJSON(encoding: StoredChecks(outcome)), outcome.personID, outcome.employerID],
                call
            )
            let updated = try ApplicationRecord.load(record.id, on: call.connection)
            try call.audit("application.submit", target: ("application", record.id))
            return try Self.answer(updated, call)
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
            let (record, transition) = try Self.loadForDecision(input, call, on: .approved)
            let outcome = try Self.recheck(record, call)
            guard !outcome.issues.hasErrors else {
                throw BusinessError.invalid(outcome.issues)
            }
            let checker = try call.operatorID
            let subject = try ApplicationApproval.apply(outcome, record, on: call.connection)
            try Self.persist(
                transition,
                of: record,
                [
                    checker, nil, try PostgresJSON(encoding: StoredChecks(outcome)), subject.personID,
                    subject.employerID,
                ],
                call
            )
            let number = try VoucherIssuance.issue(record, subject, outcome, checkerID: checker, on: call.connection)
            try VoucherIssuance.notify(
                record,
                personID: subject.personID,
                phone: subject.phone,
                decision: transition.to,
                voucher: number,
                reasons: nil,
                on: call.connection
            )
            try call.audit(
                "application.approve",
                target: ("application", record.id),
                office: record.officeID,
                before: record.payload,
                after: try PostgresJSON(encoding: ["voucherNumber": number, "status": transition.to.rawValue])
            )
            return try Self.answer(try ApplicationRecord.load(record.id, on: call.connection), call)
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
                let reasons = try input.body(Reasons.self).reasons.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !reasons.isEmpty else {
                    throw BusinessError.invalid([ValidationIssue(field: "reasons", code: .required)])
                }
                let (record, transition) = try Self.loadForDecision(input, call, on: event)
                try Self.persist(
                    transition,
                    of: record,
                    event == .rejected ? [try call.operatorID, reasons, nil, nil, nil] : [reasons],
                    call
                )
                let phone = try record.personID.flatMap {
                    try call.connection.query(ApplicationApproval.personSummary, [$0]).first?.decode(
                        "phone",
                        as: String?.self
                    )
                }
                try VoucherIssuance.notify(
                    record,
                    personID: record.personID,
                    phone: phone,
                    decision: transition.to,
                    voucher: nil,
                    reasons: reasons,
                    on: call.connection
                )
                try call.audit(
                    "application.\(verb)",
                    target: ("application", record.id),
                    office: record.officeID,
                    after: try PostgresJSON(encoding: ["reasons": reasons])
                )
                return try Self.answer(try ApplicationRecord.load(record.id, on: call.connection), call)
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
            let (record, transition) = try Self.loadForMaker(input, call, on: .cancelled, requireIfMatch: false)
            try Self.persist(transition, of: record, [], call)
            try call.audit("application.cancel", target: ("application", record.id))
            return try Self.answer(try ApplicationRecord.load(record.id, on: call.connection), call)
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

    // MARK: Steps

    static func today() -> CalendarDate {
        CalendarDate(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
    }

    /// Runs both check stages again on the stored payload, as of now.
    static func recheck(_ record: ApplicationRecord, _ call: BusinessCall) throws -> CheckOutcome {
        let payload = try TypedPayload.decode(record.type, stored: record.payload)
        return try Self.check(payload, office: record.officeID, call)
    }

    /// Both check stages on `payload` for an application of office `id`, as of today.
    static func check(_ payload: TypedPayload, office id: Int64, _ call: BusinessCall) throws -> CheckOutcome {
        let office = try OfficeInfo.load(id, on: call.connection)
        return try ApplicationChecks.run(payload, office: office, today: Self.today(), on: call.connection)
    }

    /// The application, locked, after its `If-Match` (412 when stale; 428 when required and
    /// absent).
    static func loadForChange(
        _ input: RequestInput,
        _ call: BusinessCall,
        requireIfMatch: Bool
    ) throws
        -> ApplicationRecord
    {
        let record = try ApplicationRecord.load(input.integer(required: "id"), forUpdate: true, on: call.connection)
        guard let condition = input.string("If-Match") else {
            if requireIfMatch {
                throw BusinessError(
                    428,
                    zh: "修改须带 If-Match（取自 ETag），以免覆盖他人的修改",
                    en: "send If-Match with the ETag you read, so that no change is lost"
                )
            }
            return record
        }
        let tags = condition.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard tags.contains("*") || tags.contains(record.etag) || tags.contains("W/" + record.etag) else {
            throw BusinessError(
                412,
                zh: "该申请已被修改（当前版本 \(record.version)），请刷新后重试",
                en: "the application changed since you read it (now version \(record.version)); reload it",
                headers: [("ETag", record.etag)]
            )
        }
        return record
    }

    /// The application for a reviewer's decision `event`, and the transition it makes: one
    /// whose status takes it (a submitted one), and not the reviewer's own.
    ///
    /// - Throws: ``BusinessError`` 409 naming the status when it refuses `event`, 403 for the
    ///   maker.
    static func loadForDecision(
        _ input: RequestInput,
        _ call: BusinessCall,
        on event: ApplicationEvent
    ) throws -> (ApplicationRecord, ApplicationTransition) {
        let record = try Self.loadForChange(input, call, requireIfMatch: false)
        let transition = try Self.transition(record, on: event)
        guard record.makerID != (try call.operatorID) else {
            throw BusinessError.forbidden(
                "不能复核自己经办的业务（经办与复核须为不同人员）",
                "you cannot decide an application you made (maker-checker)"
            )
        }
        return (record, transition)
    }

    /// The application for its maker's `event` (a change, a submission or a cancellation), and
    /// the transition it makes: one whose status takes it (a draft or a returned one).
    ///
    /// - Throws: ``BusinessError`` 403 for anyone but the maker, 409 naming the status when it
    ///   refuses `event`.
    static func loadForMaker(
        _ input: RequestInput,
        _ call: BusinessCall,
        on event: ApplicationEvent,
        requireIfMatch: Bool
    ) throws -> (ApplicationRecord, ApplicationTransition) {
        let record = try Self.loadForChange(input, call, requireIfMatch: requireIfMatch)
        try Self.requireMaker(record, call)
        return (record, try Self.transition(record, on: event))
    }

    static func requireMaker(_ record: ApplicationRecord, _ call: BusinessCall) throws {
        guard record.makerID == (try call.operatorID) else {
            throw BusinessError.forbidden("仅经办人本人可以修改、提交或撤销该申请", "only the maker changes, submits or cancels it")
        }
    }

    /// 409 for an application whose `status` does not allow what was asked, naming it.
    static func wrongStatus(_ status: ApplicationStatus) -> BusinessError {
        BusinessError(
            409,
            zh: "该申请当前状态为“\(ApplicationNames.status(status, .zh))”，不能进行此操作",
            en: "the application is \(ApplicationNames.status(status, .en)); that is not possible now"
        )
    }

    static func answer(_ record: ApplicationRecord, _ call: BusinessCall, status: Int = 200) throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("ETag", record.etag)]
        if status == 201 {
            headers.append(("Location", "/api/v1/applications/\(record.id)"))
        }
        return HTTPResponse(status: status, headers: headers, body: try record.json(call.language))
    }

    // MARK: Statements

    static let insert = PreparedStatement(
        """
        INSERT INTO shebao.application (office_id, type, payload, check_results, person_id, employer_id, maker_id) \
        VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7) RETURNING id
        """
    )
}
