import Business
import Domain
import Foundation
import HTTP1
import HTTPServer

/// Disbursement runs (待遇发放批次) in the caller's offices: an officer creates one (the scheduler
/// computes it), reads what it pays against the previous period, its exclusions and lines; an
/// approver other than its creator approves it with a fresh second-factor code; the officer
/// exports it (the scheduler writes the bank files), downloads the files and uploads the bank's
/// return files; an administrator re-drives a stalled task. The business layer audits every
/// change and every download; the reads that show payees (lines, failures, the comparison, the
/// exclusions) are audited here.
public enum DisbursementRoutes {
    /// Who prepares runs: creates, exports and cancels them, uploads the bank's answers.
    static let officers: Set<String> = ["disbursement_officer"]
    /// Who approves them.
    static let approvers: Set<String> = ["disbursement_approver"]
    /// Who reads runs, their reports, lines and files: those who prepare and approve them, the
    /// office's manager, who answers for the payments, and the auditors, who check them.
    static let readers: Set<String> = officers.union(approvers).union(["office_manager", "auditor"])
    /// Who re-drives a stalled task: administrators, who run the scheduler.
    static let administrators: Set<String> = ["administrator"]

    static let base = "/api/v1/disbursement-runs"

    /// The bank files' formats and the media type each is served as.
    static let fileFormats: [(format: String, mediaType: String)] = [
        ("fixed", "text/plain; charset=utf-8"), ("pain.001", "application/xml"),
        ("fixed-return", "text/plain; charset=utf-8"), ("pain.002", "application/xml"),
        ("camt.054", "application/xml"),
    ]

    /// The body of `POST /api/v1/disbursement-runs`.
    struct Creation: Decodable {
        var kind: BenefitKind
        var period: Int?
        var valueDate: String?
        var origin: String?
    }

    struct Approval: Decodable {
        var code: String
    }

    struct Cancellation: Decodable {
        var reason: String
    }

    public static func register(on api: inout APIRouter, service: BusinessService) {
        Self.registerRuns(on: &api, service: service)
        Self.registerSteps(on: &api, service: service)
        Self.registerReports(on: &api, service: service)
        Self.registerFiles(on: &api, service: service)
    }

    // MARK: Runs

    private static func registerRuns(on api: inout APIRouter, service: BusinessService) {
        api.business(
            Self.operation(
                .get,
                Self.base,
                id: "listDisbursementRuns",
                summary: "发放批次列表 / List disbursement runs",
                description: "The runs of the caller's offices, newest first, a keyset page at a time.",
                roles: Self.readers,
                parameters: [
                    .query("status", OpenAPI.Schema.ref("DisbursementRunStatus"), "Only this status."),
                    .query("kind", OpenAPI.Schema.ref("BenefitKind"), "Only this kind of benefit."),
                    .query("period", OpenAPI.Schema.period("Only this period"), "Only this period."),
                    .limit(default: 20, maximum: 100),
                    .cursor,
                ],
                responses: [200: OpenAPI.Reply.json("DisbursementRunList", "A page of runs, newest first.")]
            ),
            service: service,
            action: "disbursement.list"
        ) { call, input in
            let period = input.integer("period")
            let filter = DisbursementRunFilter(
                status: input.string("status").flatMap(DisbursementRunStatus.init(rawValue:)),
                kind: input.string("kind").flatMap(BenefitKind.init(rawValue:)),
                period: period.flatMap { Period(Int($0)) }
            )
            // A period the range lets through that is no month (202613) has no run.
            let page =
                period != nil && filter.period == nil
                ? Page(items: [], nextCursor: nil)
                : try DisbursementRuns.list(filter, KeysetPage.request(input), call.context)
            return try KeysetPage.answer(call.request, page, path: Self.base, id: \.id) { run, writer in
                DisbursementJSON.write(run, call.language, into: &writer)
            }
        }

        api.business(
            Self.operation(
                .post,
                Self.base,
                id: "createDisbursementRun",
                summary: "新建发放批次 / Create a disbursement run",
                description: """
                    For the caller's own office; the scheduler computes it (follow the `compute` task). A run of the \
                    kind and period that is not cancelled is a 409 naming it; a period after the next one, a \
                    period that is no month, or a value date before the period is a 422.
                    """,
                roles: Self.officers,
                body: .json("NewDisbursementRun"),
                responses: [
                    201: OpenAPI.Reply.json(
                        "DisbursementRunDetail",
                        "Created, computing.",
                        headers: ["ETag", "Location"]
                    )
                ],
                errors: [409, 422]
            ),
            service: service,
            action: "disbursement.create"
        ) { call, input in
            let body = try input.body(Creation.self)
            let period = try body.period.map { value in
                guard let period = Period(value) else {
                    throw BusinessFailure.invalid([ValidationIssue(field: "period", code: .invalidPeriod)])
                }
                return period
            }
            let valueDate = try body.valueDate.map { text in
                guard let date = CalendarDate(iso: text) else {
                    throw BusinessFailure.invalid([ValidationIssue(field: "valueDate", code: .invalidDate)])
                }
                return date
            }
            let run = try DisbursementRuns.create(
                DisbursementRuns.Creation(
                    kind: body.kind,
                    period: period,
                    valueDate: valueDate,
                    origin: body.origin == "command" ? .command : .api
                ),
                call.context
            )
            return try Self.answer(run.id, call, status: 201)
        }

        api.business(
            Self.operation(
                .get,
                Self.base + "/{id}",
                id: "getDisbursementRun",
                summary: "查看发放批次 / Get a disbursement run",
                description: """
                    The run with its control totals, the scheduler's tasks on it (stage, units done of the \
                    total, rate, attempts, last error, whether stalled) and the progress of the task in hand: \
                    poll it to watch a computation or an export.
                    """,
                roles: Self.readers,
                parameters: [.id("The run.")],
                responses: [200: Self.detail("The run.")]
            ),
            service: service,
            action: "disbursement.read"
        ) { call, input in
            // Counts and totals only, no payee: watching a run is not audited.
            try Self.answer(input.integer(required: "id"), call)
        }

        api.business(
            Self.operation(
                .get,
                "/api/v1/disbursement-failures",
                id: "listDisbursementFailures",
                summary: "发放失败明细 / List failed payments",
                description: """
                    Lines the bank failed in the caller's offices, in line order, each with the line of a later \
                    run that carries it (null until one does); card numbers masked. The reading is audited.
                    """,
                roles: Self.readers,
                parameters: [
                    .query("kind", OpenAPI.Schema.ref("BenefitKind"), "Only this kind of benefit."),
                    .limit(default: 50, maximum: 200),
                    .cursor,
                ],
                responses: [200: OpenAPI.Reply.json("FailedPaymentList", "A page of failed lines.")]
            ),
            service: service,
            action: "disbursement.failures"
        ) { call, input in
            let page = try DisbursementRuns.failures(
                kind: input.string("kind").flatMap(BenefitKind.init(rawValue:)),
                KeysetPage.request(input),
                call.context
            )
            try Self.auditRead("disbursement.failures", run: nil, call)
            return try KeysetPage.answer(call.request, page, path: "/api/v1/disbursement-failures", id: \.line.id) {
                failure,
                writer in
                DisbursementJSON.write(failure.line, call.language, into: &writer)
                writer.key("carriedBy")
                writer.optional(failure.carriedBy)
            }
        }
    }

    // MARK: Steps

    private static func registerSteps(on api: inout APIRouter, service: BusinessService) {
        api.business(
            Self.operation(
                .post,
                Self.base + "/{id}/approve",
                id: "approveDisbursementRun",
                summary: "审批发放批次 / Approve a disbursement run",
                description: """
                    A computed run, by an approver other than its creator, with the current code of their second \
                    factor (one not used before, the log-in's included: a wrong or spent code is a 403, and so is \
                    the creator). Queues nothing: an officer exports it next. A run in another status is a 409.
                    """,
                roles: Self.approvers,
                parameters: [.id("The run."), .ifMatch],
                body: .json("DisbursementApproval"),
                responses: [200: Self.detail("The run, approved.")],
                errors: [409, 412],
                maxBodyBytes: 16 * 1024
            ),
            service: service,
            action: "disbursement.approve"
        ) { call, input in
            let id = input.integer(required: "id")
            let code = try input.body(Approval.self).code
            let version = try Self.expectedVersion(input, run: id, call)
            _ = try DisbursementRuns.approve(id, version: version, code: code, call.context)
            return try Self.answer(id, call)
        }

        api.business(
            Self.operation(
                .post,
                Self.base + "/{id}/cancel",
                id: "cancelDisbursementRun",
                summary: "取消发放批次 / Cancel a disbursement run",
                description: """
                    Before it is exported, with the reason (blank is a 422): its pending tasks stop and its lines \
                    are free for another run of the period. An exported, reconciled or cancelled run is a 409.
                    """,
                roles: Self.officers,
                parameters: [.id("The run."), .ifMatch],
                body: .json("DisbursementCancellation"),
                responses: [200: Self.detail("The run, cancelled.")],
                errors: [409, 412, 422],
                maxBodyBytes: 16 * 1024
            ),
            service: service,
            action: "disbursement.cancel"
        ) { call, input in
            let id = input.integer(required: "id")
            let reason = try input.body(Cancellation.self).reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else {
                throw BusinessFailure.invalid([ValidationIssue(field: "reason", code: .required)])
            }
            let version = try Self.expectedVersion(input, run: id, call)
            _ = try DisbursementRuns.cancel(id, version: version, reason: reason, call.context)
            return try Self.answer(id, call)
        }

        api.business(
            Self.operation(
                .post,
                Self.base + "/{id}/export",
                id: "exportDisbursementRun",
                summary: "生成银行文件 / Export a disbursement run",
                description: """
                    Queues the export of an approved run: the scheduler writes one bank file per batch and marks \
                    it exported (follow the `export` task). Asking again while it runs or once it is done changes \
                    nothing and shows where it is. A run neither approved nor exported is a 409.
                    """,
                roles: Self.officers,
                parameters: [.id("The run.")],
                responses: [202: Self.detail("Queued (or under way, or done): the run.")],
                errors: [409],
                isIdempotent: false
            ),
            service: service,
            action: "disbursement.export",
            // The business audits the first request; a repeat changes nothing and is no event
            // (nor needs an Idempotency-Key: it is idempotent by itself).
            changesState: false
        ) { call, input in
            let detail = try DisbursementRuns.export(input.integer(required: "id"), call.context)
            return Self.answer(detail, call, status: 202)
        }

        api.business(
            Self.operation(
                .post,
                Self.base + "/{id}/tasks/{taskId}/redrive",
                id: "redriveDisbursementTask",
                summary: "重新执行发放任务 / Re-drive a disbursement task",
                description: """
                    A failed task, or a pending one whose lease ran out, is pending again from its checkpoint, \
                    due now, its attempts counted afresh. One that is neither, or of a cancelled run, is a 409.
                    """,
                roles: Self.administrators,
                parameters: [.id("The run."), .path("taskId", OpenAPI.Schema.id(), "The task.")],
                responses: [200: Self.detail("The run, its task pending again.")],
                errors: [409]
            ),
            service: service,
            action: "disbursement.redrive"
        ) { call, input in
            let detail = try DisbursementRuns.redrive(
                input.integer(required: "id"),
                task: input.integer(required: "taskId"),
                call.context
            )
            return Self.answer(detail, call)
        }
    }

    // MARK: Pieces

    /// A disbursement operation: tag `disbursement`, for operators of `roles`; a POST honours an
    /// `Idempotency-Key` unless `isIdempotent` is false.
    static func operation(
        _ method: HTTPMethod,
        _ path: String,
        id: String,
        summary: String,
        description: String,
        roles: Set<String>,
        parameters: [OpenAPI.Parameter] = [],
        body: OpenAPI.RequestBody? = nil,
        responses: [Int: OpenAPI.JSONValue],
        errors: [Int] = [],
        maxBodyBytes: Int? = nil,
        isIdempotent: Bool = true
    ) -> OpenAPI.Operation {
        OpenAPI.Operation(
            method: method,
            path: path,
            id: id,
            tag: "disbursement",
            summary: summary,
            description: description,
            access: .business(.operators(roles), idempotent: method == .post && isIdempotent),
            parameters: parameters,
            requestBody: body,
            responses: responses,
            errors: errors,
            maxBodyBytes: maxBodyBytes
        )
    }

    /// The answer of a run's detail, with its version as the `ETag`.
    static func detail(_ description: String) -> OpenAPI.JSONValue {
        OpenAPI.Reply.json("DisbursementRunDetail", description, headers: ["ETag"])
    }

    /// The run `id` read again after a change (or for its own sake), answered with `status`.
    static func answer(_ id: Int64, _ call: BusinessCall, status: Int = 200) throws -> HTTPResponse {
        Self.answer(try DisbursementRuns.read(id, call.context), call, status: status)
    }

    /// `detail` as the answer: `ETag` its version, and `Location` for a 201.
    static func answer(_ detail: DisbursementRunDetail, _ call: BusinessCall, status: Int = 200) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("ETag", "\"\(detail.run.version)\""),
        ]
        if status == 201 {
            headers.append(("Location", "\(Self.base)/\(detail.run.id)"))
        }
        return HTTPResponse(status: status, headers: headers, body: DisbursementJSON.detail(detail, call.language))
    }

    /// The version the request's `If-Match` expects of run `id`: nil without one or for `*`;
    /// the run's own when the field names it among others; else one it never has, which the
    /// business answers as stale (412).
    static func expectedVersion(_ input: RequestInput, run id: Int64, _ call: BusinessCall) throws -> Int? {
        switch ApplicationRoutes.expectedVersion(input) {
        case nil, .any?:
            return nil
        case .oneOf(let versions)?:
            if versions.count == 1 { return versions[0] }
            let current = try DisbursementRuns.read(id, call.context).run.version
            return versions.contains(current) ? current : 0
        }
    }

    /// Audits a read that shows payees (of run `run`, or across runs), once per request: the
    /// business audits downloads itself.
    static func auditRead(_ action: String, run: Int64?, _ call: BusinessCall) throws {
        guard !call.isAudited else { return }
        try call.audit(action, target: run.map { ("disbursement_run", $0) })
    }
}
