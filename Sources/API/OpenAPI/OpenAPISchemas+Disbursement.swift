import Business
import Domain

extension OpenAPI.Schemas {
    /// The disbursement routes' shapes: runs with their tasks and control totals, the approver's
    /// comparison, the exclusion report, the lines, the bank files and the bank's answers. Money
    /// is integer fen, with yuan strings beside it for display.
    static var disbursement: [String: OpenAPI.JSONValue] {
        typealias Schema = OpenAPI.Schema
        let run = Schema.record(
            [
                "id": Schema.id(),
                "officeId": Schema.id(),
                "kind": Schema.ref("BenefitKind"),
                "kindName": Schema.string("The kind in words, in the request's language."),
                "period": Schema.period("The period paid"),
                "valueDate": Schema.string("The day the bank credits the payees.", format: "date"),
                "status": Schema.ref("DisbursementRunStatus"),
                "statusName": Schema.string("The status in words, in the request's language."),
                "origin": Schema.oneOf(
                    DisbursementRun.Origin.allCases.map(\.rawValue),
                    "Who created it: an officer through the API or `shebao disburse`, or the office's schedule."
                ),
                "createdBy": Schema.nullable(Schema.id("The officer who created it; null for a scheduled run.")),
                "approvedBy": Schema.nullable(Schema.id("The approver, never its creator.")),
                "cancelledBy": Schema.nullable(Schema.id()),
                "cancelReason": Self.anyText(nullable: true, "Why it was cancelled."),
                "lineCount": Self.count("Lines (payments) in the run: a control total, frozen when computed."),
                "totalFen": Self.fen("Their sum: a control total, frozen when computed."),
                "total": Self.yuan,
                "excludedCount": Self.count("Benefits of the office and kind left out, each with a reason."),
                "carriedCount": Self.count("Lines failed at the bank in earlier runs, carried in."),
                "carriedFen": Self.fen("Their sum."),
                "carried": Self.yuan,
                "paidCount": Self.count("Lines the bank's answers settled as paid so far."),
                "paidFen": Self.fen("Their sum."),
                "paid": Self.yuan,
                "failedCount": Self.count("Lines the bank's answers settled as failed so far."),
                "failedFen": Self.fen("Their sum."),
                "failed": Self.yuan,
                "version": Schema.integer(
                    "Rises with every change of status; the ETag is it in quotes.",
                    minimum: 1,
                    format: "int32"
                ),
                "createdAt": Schema.dateTime(),
                "computedAt": Schema.nullable(Schema.dateTime()),
                "approvedAt": Schema.nullable(Schema.dateTime()),
                "exportedAt": Schema.nullable(Schema.dateTime()),
                "reconciledAt": Schema.nullable(Schema.dateTime()),
                "cancelledAt": Schema.nullable(Schema.dateTime()),
            ],
            description: "A disbursement run (发放批次): one office's payments of one benefit kind for one period."
        )
        let line = Schema.record(
            [
                "id": Schema.id("The line; `reference` names it in the bank files."),
                "runId": Schema.id(),
                "benefitId": Schema.id(),
                "personId": Schema.id(),
                "period": Schema.period("The period it pays"),
                "payeeName": Self.anyText("The payee as the run froze it."),
                "bankCode": Schema.string("The paying bank.", example: "ICBC"),
                "cardNumberMasked": Schema.string(
                    "The payee's card: the first six and the last four digits.",
                    example: "622202******7894"
                ),
                "amountFen": Self.fen("The amount paid."),
                "amount": Self.yuan,
                "carriedFrom": Schema.nullable(
                    Schema.id("The failed line of an earlier run that this one carries in.")
                ),
                "status": Schema.ref("PaymentLineStatus"),
                "statusName": Schema.string("The status in words, in the request's language."),
                "failureCode": Schema.nullable(Schema.string("The bank's reason code for a failed line.")),
                "settledAt": Schema.nullable(Schema.dateTime("When the bank's answer settled it.")),
                "reference": Schema.string(
                    "The reference the bank files carry: `P` and the line's ID in 12 digits.",
                    example: "P000000012345"
                ),
            ],
            description: "One line of a run: a payment of one benefit for one period, the payee as the run froze it."
        )
        let task = Schema.record(
            [
                "id": Schema.id(),
                "kind": Schema.ref("DisbursementTaskKind"),
                "kindName": Schema.string("The task in words, in the request's language."),
                "status": Schema.ref("DisbursementTaskStatus"),
                "statusName": Schema.string("The status in words, in the request's language."),
                "stage": Self.stage,
                "done": Self.count("Units done (benefits, batches or lines)."),
                "total": Schema.nullable(Self.count("Units in all, when known.")),
                "rate": Self.rate,
                "attempts": Self.count("Times a scheduler claimed it since it was queued or re-driven."),
                "lastError": Self.anyText(nullable: true, "What the last attempt failed with."),
                "stalled": Schema.boolean(
                    "Its lease ran out without a successor yet, or it failed: an administrator can re-drive it."
                ),
                "returnFileId": Schema.nullable(Schema.id("The return file an import reads.")),
                "createdAt": Schema.dateTime(),
                "startedAt": Schema.nullable(Schema.dateTime()),
                "progressAt": Schema.nullable(Schema.dateTime("When it last moved on.")),
                "finishedAt": Schema.nullable(Schema.dateTime()),
                "leaseExpiresAt": Schema.nullable(Schema.dateTime("Until when a scheduler holds it.")),
            ],
            description: "The scheduler's work on a run: its computation, its export, the import of a return file."
        )
        let change = Schema.record(
            [
                "benefitId": Schema.id(),
                "personId": Schema.id(),
                "payeeName": Self.anyText("The payee."),
                "previousFen": Schema.nullable(Self.fen("The amount in the previous run; null when added.")),
                "previous": Schema.nullable(Self.yuan),
                "currentFen": Schema.nullable(Self.fen("The amount in this run; null when stopped.")),
                "current": Schema.nullable(Self.yuan),
            ]
        )
        let group = Schema.record(
            [
                "count": Self.count("Lines in the group."),
                "totalFen": Schema.integer(
                    "Their sum in fen; for `changed`, the sum of the differences, which may be below zero."
                ),
                "total": Self.yuan,
                "sample": Schema.array(Schema.ref("DisbursementDiffChange"), "The first of them, in benefit order."),
            ]
        )
        return [
            "BenefitKind": Schema.oneOf(
                BenefitKind.allCases.map(\.rawValue),
                "The kind of benefit: "
                    + BenefitKind.allCases.map { "\($0.rawValue) \($0.name(.zh)) / \($0.name(.en))" }.joined(
                        separator: "; "
                    ) + "."
            ),
            "DisbursementRunStatus": Schema.oneOf(
                DisbursementRunStatus.allCases.map(\.rawValue),
                "computing → computed → approved → exported → reconciled, or cancelled before export."
            ),
            "DisbursementTaskKind": Schema.oneOf(DisbursementTask.Kind.allCases.map(\.rawValue)),
            "DisbursementTaskStatus": Schema.oneOf(
                DisbursementTask.Status.allCases.map(\.rawValue),
                "pending (waiting, or leased to a scheduler) → done, or failed after its attempts (an "
                    + "administrator re-drives it), or cancelled with its run."
            ),
            "PaymentLineStatus": Schema.oneOf(
                PaymentLineRecord.Status.allCases.map(\.rawValue),
                "pending until the bank answers, then paid or failed (a failed line is carried into a later "
                    + "run); cancelled with its run."
            ),
            "ExclusionReason": Schema.oneOf(
                RunExclusion.Reason.allCases.map(\.rawValue),
                "Why a benefit of the run's office and kind is not in it."
            ),
            "NewDisbursementRun": Schema.object(
                [
                    "kind": Schema.ref("BenefitKind"),
                    "period": Schema.period("The period paid, at most the next one; the current one if absent"),
                    "valueDate": Schema.string(
                        "The day the bank credits the payees, in the period or after; the office's scheduled day "
                            + "of the period's month (the 15th without a schedule) if absent.",
                        format: "date"
                    ),
                    "origin": Schema.oneOf(
                        ["api", "command"],
                        "The client: `command` for `shebao disburse`; `api` if absent."
                    ),
                ],
                required: ["kind"],
                description: "A run to create: the office's own, computed by the scheduler."
            ),
            "DisbursementApproval": Schema.object(
                [
                    "code": Schema.string(
                        "The approver's current code of their second factor, not used before.",
                        pattern: "^[0-9]{6}$",
                        maxLength: 6
                    )
                ],
                required: ["code"]
            ),
            "DisbursementCancellation": Schema.object(
                ["reason": Schema.string("Why, for the record.", minLength: 1, maxLength: 500, lines: true)],
                required: ["reason"]
            ),
            "DisbursementRun": run,
            "DisbursementRunList": Self.page(of: "DisbursementRun"),
            "DisbursementTask": task,
            "DisbursementProgress": Schema.record(
                [
                    "taskId": Schema.id(),
                    "kind": Schema.ref("DisbursementTaskKind"),
                    "kindName": Schema.string(),
                    "stage": Self.stage,
                    "done": Self.count("Units done."),
                    "total": Schema.nullable(Self.count("Units in all, when known.")),
                    "rate": Self.rate,
                    "stalled": Schema.boolean(),
                ],
                description: "Where the task in hand is."
            ),
            "DisbursementRunDetail": Self.adding(
                [
                    "tasks": Schema.array(Schema.ref("DisbursementTask"), "The scheduler's tasks on it, oldest first."),
                    "progress": Schema.nullable(Schema.ref("DisbursementProgress")),
                    "stalled": Schema.boolean("Whether a task of the run is stalled."),
                ],
                to: run,
                description: "A run with its tasks and the progress of the one in hand (null when none is)."
            ),
            "DisbursementDiffChange": change,
            "DisbursementDiffGroup": group,
            "DisbursementRunDiff": Schema.record(
                [
                    "previousRunId": Schema.nullable(Schema.id("The office's latest earlier run of the kind.")),
                    "previousPeriod": Schema.nullable(Schema.period("Its period")),
                    "added": Schema.ref("DisbursementDiffGroup"),
                    "stopped": Schema.ref("DisbursementDiffGroup"),
                    "changed": Schema.ref("DisbursementDiffGroup"),
                    "carried": Schema.ref("DisbursementDiffGroup"),
                    "unchangedCount": Self.count("Payees in both runs with the same amount."),
                ],
                description: """
                    The run against the office's latest earlier run of the kind that was not cancelled: payees \
                    added, stopped and changed, and the failures carried in.
                    """
            ),
            "DisbursementExclusion": Schema.record(
                [
                    "id": Schema.id("The benefit left out (the page's key)."),
                    "personId": Schema.id(),
                    "reason": Schema.ref("ExclusionReason"),
                    "reasonName": Schema.string("The reason in words, in the request's language."),
                    "amountFen": Self.fen("The monthly amount it would have paid."),
                    "amount": Self.yuan,
                ]
            ),
            "DisbursementExclusions": Self.adding(
                [
                    "counts": Schema.array(
                        Schema.record(
                            [
                                "reason": Schema.ref("ExclusionReason"),
                                "reasonName": Schema.string(),
                                "count": Self.count("Benefits left out for it, all pages."),
                            ]
                        ),
                        "Every reason, with its count (0 when none)."
                    )
                ],
                to: Self.page(of: "DisbursementExclusion"),
                description: "The exclusion report: counts by reason, and a page of the benefits left out."
            ),
            "PaymentLine": line,
            "PaymentLineList": Self.page(of: "PaymentLine"),
            "FailedPayment": Self.adding(
                ["carriedBy": Schema.nullable(Schema.id("The line of a later run that carries it, if one does."))],
                to: line,
                description: "A line the bank failed, and where it is now."
            ),
            "FailedPaymentList": Self.page(of: "FailedPayment"),
            "BankFile": Schema.record(
                [
                    "id": Schema.id(),
                    "runId": Schema.id(),
                    "batchNumber": Schema.nullable(
                        Schema.string("The batch a payment file pays.", example: "SB2026120000001")
                    ),
                    "kind": Schema.oneOf(["payment", "return"], "A payment file of the export, or a return file."),
                    "kindName": Schema.string(),
                    "format": Schema.oneOf(
                        DisbursementRoutes.fileFormats.map(\.format),
                        "`fixed` and `pain.001` (ISO 20022) payment files; `fixed-return`, `pain.002` and "
                            + "`camt.054` return files."
                    ),
                    "fileName": Self.anyText("The file's name."),
                    "byteCount": Self.count("Its size."),
                    "sha256": Schema.string("Its SHA-256, hex, lower case.", pattern: "^[0-9a-f]{64}$"),
                    "lineCount": Self.count("Its payment lines."),
                    "totalFen": Self.fen("Their sum."),
                    "total": Self.yuan,
                    "createdAt": Schema.dateTime(),
                    "importStatus": Schema.nullable(Schema.ref("DisbursementTaskStatus")),
                    "importStatusName": Schema.nullable(Schema.string("Where a return file's import is.")),
                ],
                description: "A bank file of a run."
            ),
            "BankFileList": Schema.record(
                ["items": Schema.array(Schema.ref("BankFile"))],
                description: "The payment files in batch order, then the return files as uploaded."
            ),
            "QuarantinedLine": Schema.record(
                [
                    "fileId": Schema.id("The return file."),
                    "lineNumber": Schema.integer(minimum: 1, format: "int32"),
                    "reference": Self.anyText("The payment reference the bank gave."),
                    "amountFen": Schema.nullable(Self.fen("The amount the bank gave.")),
                    "amount": Schema.nullable(Self.yuan),
                    "paid": Schema.boolean("Whether the bank answered paid."),
                    "reasonCode": Schema.nullable(Schema.string("The bank's reason code.")),
                    "quarantineReason": Schema.oneOf(DisbursementJSON.quarantineReasonNames.keys.sorted()),
                    "quarantineReasonName": Schema.string("Why it was not applied, in the request's language."),
                ],
                description: "A line of a return file that was not applied."
            ),
            "QuarantinedLineList": Schema.record(["items": Schema.array(Schema.ref("QuarantinedLine"))]),
        ]
    }

    /// A number of things: zero or more.
    private static func count(_ description: String) -> OpenAPI.JSONValue {
        OpenAPI.Schema.integer(description, minimum: 0)
    }

    /// An amount of money in fen: zero or more.
    private static func fen(_ description: String) -> OpenAPI.JSONValue {
        OpenAPI.Schema.integer(description + " In fen.", minimum: 0)
    }

    /// The amount beside it in yuan.
    private static let yuan = OpenAPI.Schema.string("Yuan, two decimals, for display.", example: "3000.00")

    /// Where a task is.
    private static let stage = OpenAPI.Schema.nullable(
        OpenAPI.Schema.string(
            "The step it is at: `payees`, `carried`, `totals` (compute); `batches`, `files` (export); `lines`."
        )
    )

    /// Units per second.
    private static let rate: OpenAPI.JSONValue = [
        "type": ["number", "null"], "minimum": 0,
        "description": "Units per second since it started, while it runs or once it finished; null before.",
    ]

    /// Text the server keeps as it was given or written (errors, names): any characters.
    private static func anyText(nullable: Bool = false, _ description: String) -> OpenAPI.JSONValue {
        ["type": nullable ? ["string", "null"] : "string", "description": .string(description)]
    }

    /// `record` with `properties` added, each of them required, and `description`.
    private static func adding(
        _ properties: [String: OpenAPI.JSONValue],
        to record: OpenAPI.JSONValue,
        description: String
    ) -> OpenAPI.JSONValue {
        var members = record.members
        members["properties"] = .object((members["properties"]?.members ?? [:]).merging(properties) { $1 })
        if case .array(let required)? = members["required"] {
            members["required"] = .array(required + properties.keys.sorted().map(OpenAPI.JSONValue.string))
        }
        members["description"] = .string(description)
        return .object(members)
    }
}
