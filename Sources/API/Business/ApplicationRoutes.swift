import Domain
import Foundation
import HTTP1
public import HTTPServer
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
        var reasons: String?
    }

    public static func register(on router: inout Router, service: BusinessService) {
        router.add(.post, "/api/v1/applications/preview") { request in
            try service.run(
                request,
                access: .operators(Self.makers.union(Self.reviewers)),
                action: "application.preview",
                changesState: false
            ) { call in
                let type = try TypedPayload.type(of: request.body)
                let payload = try TypedPayload.decode(type, body: request.body)
                let outcome = try Self.check(payload, office: call.principal.officeID, call)
                var writer = JSONWriter(capacity: 2048)
                writer.beginObject()
                writer.key("type")
                writer.string(type.rawValue)
                writer.key("payload")
                writer.json(try outcome.payload.json().text)
                writer.key("checks")
                StoredChecks(outcome).write(into: &writer, call.language)
                writer.endObject()
                return .json(writer.bytes)
            }
        }

        router.add(.post, "/api/v1/applications") { request in
            try service.run(request, access: .operators(Self.makers), action: "application.create") { call in
                let type = try TypedPayload.type(of: request.body)
                let payload = try TypedPayload.decode(type, body: request.body)
                let outcome = try Self.check(payload, office: call.principal.officeID, call)
                let id = try call.connection.query(
                    Self.insert,
                    [
                        call.principal.officeID, type.rawValue, try outcome.payload.json(),
                        try PostgresJSON(encoding: StoredChecks(outcome)),
                        outcome.personID, outcome.employerID, try call.operatorID,
                    ]
                ).single().decode(0, as: Int64.self)
                let record = try ApplicationRecord.load(id, on: call.connection)
                try call.audit("application.create", target: ("application", id), after: record.payload)
                return try Self.answer(record, call, status: 201)
            }
        }

        router.add(.get, "/api/v1/applications/:id") { request in
            try service.run(request, access: .personsAnd(Self.readers), action: "application.read") { call in
                let record = try ApplicationRecord.load(try Self.id(request), on: call.connection)
                // The payload holds the person's full details: opening it is audited like a record.
                try call.audit("application.read", target: ("application", record.id), office: record.officeID)
                return try Self.answer(record, call)
            }
        }

        router.add(.put, "/api/v1/applications/:id") { request in
            try service.run(request, access: .operators(Self.makers), action: "application.update") { call in
                var record = try Self.loadForMaker(request, call, requireIfMatch: true)
                let payload = try TypedPayload.decode(record.type, body: request.body)
                let outcome = try Self.check(payload, office: record.officeID, call)
                let before = record.payload
                try call.connection.query(
                    Self.update,
                    [
                        record.id, try outcome.payload.json(), try PostgresJSON(encoding: StoredChecks(outcome)),
                        outcome.personID, outcome.employerID,
                    ]
                )
                record = try ApplicationRecord.load(record.id, on: call.connection)
                try call.audit(
                    "application.update",
                    target: ("application", record.id),
                    before: before,
                    after: record.payload
                )
                return try Self.answer(record, call)
            }
        }

        router.add(.post, "/api/v1/applications/:id/submit") { request in
            try service.run(request, access: .operators(Self.makers), action: "application.submit") { call in
                let record = try Self.loadForMaker(request, call, requireIfMatch: false)
                let outcome = try Self.recheck(record, call)
                guard !outcome.issues.hasErrors else {
                    throw BusinessError.invalid(outcome.issues)
                }
                try call.connection.query(
                    Self.submit,
                    [
                        record.id, try PostgresJSON(encoding: StoredChecks(outcome)), outcome.personID,
                        outcome.employerID,
                    ]
                )
                let updated = try ApplicationRecord.load(record.id, on: call.connection)
                try call.audit("application.submit", target: ("application", record.id))
                return try Self.answer(updated, call)
            }
        }

        router.add(.post, "/api/v1/applications/:id/approve") { request in
            try service.run(request, access: .operators(Self.reviewers), action: "application.approve") { call in
                let record = try Self.loadForDecision(request, call)
                let outcome = try Self.recheck(record, call)
                guard !outcome.issues.hasErrors else {
                    throw BusinessError.invalid(outcome.issues)
                }
                let checker = try call.operatorID
                let subject = try ApplicationApproval.apply(outcome, record, on: call.connection)
                try call.connection.query(
                    Self.decide,
                    [
                        record.id, "approved", checker, nil, try PostgresJSON(encoding: StoredChecks(outcome)),
                        subject.personID, subject.employerID,
                    ]
                )
                let number = try VoucherIssuance.issue(
                    record,
                    subject,
                    outcome,
                    checkerID: checker,
                    on: call.connection
                )
                try VoucherIssuance.notify(
                    record,
                    personID: subject.personID,
                    phone: subject.phone,
                    decision: "approved",
                    voucher: number,
                    reasons: nil,
                    on: call.connection
                )
                try call.audit(
                    "application.approve",
                    target: ("application", record.id),
                    office: record.officeID,
                    before: record.payload,
                    after: try PostgresJSON(encoding: ["voucherNumber": number, "status": "approved"])
                )
                return try Self.answer(try ApplicationRecord.load(record.id, on: call.connection), call)
            }
        }

        for (verb, status) in [("reject", "rejected"), ("return", "returned")] {
            router.add(.post, "/api/v1/applications/:id/\(verb)") { request in
                try service.run(request, access: .operators(Self.reviewers), action: "application.\(verb)") { call in
                    let body = try JSONBody.decode(Reasons.self, from: request.body, maxBytes: 16 * 1024)
                    let reasons = body.reasons?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                    guard (1...2000).contains(reasons.count) else {
                        throw BusinessError.invalid([
                            ValidationIssue(
                                field: "reasons",
                                code: reasons.isEmpty ? .required : .tooLong,
                                arguments: ["max": "2000"]
                            )
                        ])
                    }
                    let record = try Self.loadForDecision(request, call)
                    try call.connection.query(
                        status == "rejected" ? Self.decide : Self.giveBack,
                        status == "rejected"
                            ? [record.id, status, try call.operatorID, reasons, nil, nil, nil]
                            : [record.id, reasons]
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
                        decision: status,
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
        }

        router.add(.post, "/api/v1/applications/:id/cancel") { request in
            try service.run(request, access: .operators(Self.makers), action: "application.cancel") { call in
                let record = try Self.loadForMaker(request, call, requireIfMatch: false)
                try call.connection.query(Self.cancel, [record.id])
                try call.audit("application.cancel", target: ("application", record.id))
                return try Self.answer(try ApplicationRecord.load(record.id, on: call.connection), call)
            }
        }

        router.add(.get, "/api/v1/applications") { request in
            try service.run(request, access: .personsAnd(Self.readers), action: "application.list") { call in
                try ApplicationQueue.list(request, call)
            }
        }
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

    static func id(_ request: HTTPRequest) throws -> Int64 {
        try RegistryRoutes.id(request, "该业务申请", "application")
    }

    /// The application, locked, after its `If-Match` (412 when stale; 428 when required and
    /// absent).
    static func loadForChange(
        _ request: HTTPRequest,
        _ call: BusinessCall,
        requireIfMatch: Bool
    ) throws
        -> ApplicationRecord
    {
        let record = try ApplicationRecord.load(try Self.id(request), forUpdate: true, on: call.connection)
        guard let condition = request.headers["If-Match"] else {
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

    /// The application for a reviewer's decision: submitted, and not the reviewer's own.
    static func loadForDecision(_ request: HTTPRequest, _ call: BusinessCall) throws -> ApplicationRecord {
        let record = try Self.loadForChange(request, call, requireIfMatch: false)
        guard record.status == "submitted" else {
            throw Self.wrongStatus(record, call.language)
        }
        guard record.makerID != (try call.operatorID) else {
            throw BusinessError.forbidden(
                "不能复核自己经办的业务（经办与复核须为不同人员）",
                "you cannot decide an application you made (maker-checker)"
            )
        }
        return record
    }

    /// The application for its maker's change, submission or cancellation: a draft or returned.
    static func loadForMaker(
        _ request: HTTPRequest,
        _ call: BusinessCall,
        requireIfMatch: Bool
    ) throws
        -> ApplicationRecord
    {
        let record = try Self.loadForChange(request, call, requireIfMatch: requireIfMatch)
        try Self.requireMaker(record, call)
        guard record.status == "draft" || record.status == "returned" else {
            throw Self.wrongStatus(record, call.language)
        }
        return record
    }

    static func requireMaker(_ record: ApplicationRecord, _ call: BusinessCall) throws {
        guard record.makerID == (try call.operatorID) else {
            throw BusinessError.forbidden("仅经办人本人可以修改、提交或撤销该申请", "only the maker changes, submits or cancels it")
        }
    }

    static func wrongStatus(_ record: ApplicationRecord, _ language: Language) -> BusinessError {
        BusinessError(
            409,
            zh: "该申请当前状态为“\(ApplicationNames.status(record.status, .zh))”，不能进行此操作",
            en: "the application is \(ApplicationNames.status(record.status, .en)); that is not possible now"
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
    static let update = PreparedStatement(
        """
        UPDATE shebao.application SET payload = $2::jsonb, check_results = $3::jsonb, person_id = $4, employer_id = $5, \
        version = version + 1, updated_at = now() WHERE id = $1
        """
    )
    static let submit = PreparedStatement(
        """
        UPDATE shebao.application SET status = 'submitted', check_results = $2::jsonb, person_id = $3, \
        employer_id = $4, reasons = NULL, version = version + 1, updated_at = now(), submitted_at = now() WHERE id = $1
        """
    )
    static let decide = PreparedStatement(
        """
        UPDATE shebao.application SET status = $2, checker_id = $3, reasons = $4, \
        check_results = coalesce($5::jsonb, check_results), person_id = coalesce($6, person_id), \
        employer_id = coalesce($7, employer_id), version = version + 1, updated_at = now(), decided_at = now() \
        WHERE id = $1
        """
    )
    static let giveBack = PreparedStatement(
        """
        UPDATE shebao.application SET status = 'returned', reasons = $2, version = version + 1, updated_at = now() \
        WHERE id = $1
        """
    )
    static let cancel = PreparedStatement(
        "UPDATE shebao.application SET status = 'cancelled', version = version + 1, updated_at = now() WHERE id = $1"
    )
}
