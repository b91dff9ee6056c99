import Business
import HTTP1
import HTTPServer

/// What the approver looks at before approving a run: the comparison with the previous period,
/// the benefits left out and why, and the lines themselves. Each shows payees, so each reading
/// is audited.
extension DisbursementRoutes {
    static func registerReports(on api: inout APIRouter, service: BusinessService) {
        api.business(
            Self.operation(
                .get,
                Self.base + "/{id}/diff",
                id: "getDisbursementRunDiff",
                summary: "与上期对比 / Compare a run with the previous one",
                description: """
                    Against the office's latest earlier run of the kind that was not cancelled: payees added, \
                    stopped and changed (the sum of the differences), and the failures carried in, each with a \
                    count, a sum and the first `sample` of them. The reading is audited.
                    """,
                roles: Self.readers,
                parameters: [
                    .id("The run."),
                    .query(
                        "sample",
                        ["type": "integer", "minimum": 0, "maximum": 100, "default": 20],
                        "Lines shown of each group."
                    ),
                ],
                responses: [200: OpenAPI.Reply.json("DisbursementRunDiff", "The comparison.")]
            ),
            service: service,
            action: "disbursement.diff"
        ) { call, input in
            let id = input.integer(required: "id")
            let diff = try DisbursementRuns.diff(id, sample: Int(input.integer(required: "sample")), call.context)
            try Self.auditRead("disbursement.diff", run: id, call)
            return .json(DisbursementJSON.diff(diff))
        }

        api.business(
            Self.runPage(
                "exclusions",
                id: "listDisbursementExclusions",
                summary: "未纳入发放的待遇 / List a run's exclusions",
                description: """
                    The benefits of the run's office and kind that it leaves out: the count for every reason, and \
                    a keyset page of them in benefit order (`reason` filters the page).
                    """,
                filter: .query("reason", OpenAPI.Schema.ref("ExclusionReason"), "Only this reason."),
                list: OpenAPI.Reply.json("DisbursementExclusions", "The counts and a page.")
            ),
            service: service,
            action: "disbursement.exclusions"
        ) { call, input in
            let id = input.integer(required: "id")
            let report = try DisbursementRuns.exclusions(
                id,
                reason: input.string("reason").flatMap(RunExclusion.Reason.init(rawValue:)),
                KeysetPage.request(input),
                call.context
            )
            return try Self.auditedPage(
                "exclusions",
                run: id,
                Page(items: report.page, nextCursor: report.nextCursor),
                call,
                id: \.benefitID,
                members: { writer in DisbursementJSON.writeCounts(report.counts, call.language, into: &writer) }
            ) { exclusion, writer in
                DisbursementJSON.write(exclusion, call.language, into: &writer)
            }
        }

        api.business(
            Self.runPage(
                "lines",
                id: "listDisbursementLines",
                summary: "发放明细 / List a run's lines",
                description: "The run's payments in line order, a keyset page at a time, card numbers masked.",
                filter: .query("status", OpenAPI.Schema.ref("PaymentLineStatus"), "Only this status."),
                list: OpenAPI.Reply.json("PaymentLineList", "A page of lines.")
            ),
            service: service,
            action: "disbursement.lines"
        ) { call, input in
            let id = input.integer(required: "id")
            let page = try DisbursementRuns.lines(
                id,
                status: input.string("status").flatMap(PaymentLineRecord.Status.init(rawValue:)),
                KeysetPage.request(input),
                call.context
            )
            return try Self.auditedPage("lines", run: id, page, call, id: \.id) { line, writer in
                DisbursementJSON.write(line, call.language, into: &writer)
            }
        }
    }

    /// `GET /api/v1/disbursement-runs/{id}/<name>`: a keyset page of the run's, filtered by
    /// `filter`, its reading audited.
    static func runPage(
        _ name: String,
        id: String,
        summary: String,
        description: String,
        filter: OpenAPI.Parameter,
        list: OpenAPI.JSONValue
    ) -> OpenAPI.Operation {
        Self.operation(
            .get,
            "\(Self.base)/{id}/\(name)",
            id: id,
            summary: summary,
            description: description + " The reading is audited.",
            roles: Self.readers,
            parameters: [.id("The run."), filter, .limit(default: 100, maximum: 500), .cursor],
            responses: [200: list]
        )
    }

    /// Audits the reading of the page `name` of run `id` and answers it (``KeysetPage``).
    static func auditedPage<Item>(
        _ name: String,
        run id: Int64,
        _ page: Page<Item>,
        _ call: BusinessCall,
        id key: (Item) -> Int64,
        members: (inout JSONWriter) -> Void = { _ in },
        _ item: (Item, inout JSONWriter) throws -> Void
    ) throws -> HTTPResponse {
        try Self.auditRead("disbursement.\(name)", run: id, call)
        return try KeysetPage.answer(
            call.request,
            page,
            path: "\(Self.base)/\(id)/\(name)",
            id: key,
            members: members,
            item
        )
    }
}
