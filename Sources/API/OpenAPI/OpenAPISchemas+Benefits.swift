import Business
import Domain

extension OpenAPI.Schemas {
    // MARK: Benefits

    /// The takeover's payload, the benefit records, their list and the change of their status.
    /// Kinds and statuses come from the code (``BenefitKind``, ``BenefitStatus``).
    static var benefits: [String: OpenAPI.JSONValue] {
        typealias Schema = OpenAPI.Schema
        return [
            "BenefitKind": Schema.oneOf(
                BenefitKind.allCases.map(\.rawValue),
                "The kind of benefit: "
                    + BenefitKind.allCases.map { "`\($0.rawValue)` \($0.name(.zh)) / \($0.name(.en))" }
                    .joined(separator: "; ") + "."
            ),
            "BenefitStatus": Schema.oneOf(
                BenefitStatus.allCases.map(\.rawValue),
                "active ⇄ suspended; either → ended, which is final. A suspended or ended benefit carries the "
                    + "reason and the day it took effect."
            ),
            "BenefitTakeover": Schema.object(
                [
                    "citizenId": Self.citizenID,
                    "personId": Self.personID,
                    "kind": Schema.oneOf(
                        BenefitKind.recurring.map(\.rawValue),
                        "A kind paid every month (see BenefitKind)."
                    ),
                    "monthlyAmountFen": Schema.integer(
                        "The monthly amount the previous system paid, in fen.",
                        minimum: 1,
                        maximum: Int(BenefitTakeover.maximumMonthlyAmountFen)
                    ),
                    "startPeriod": Schema.period("The first period paid"),
                    "endPeriod": Schema.period("The last period paid, when the entitlement ends at a known month"),
                    "bankCode": Schema.string(
                        "The paying bank's code (ICBC, BOC, CCB …); one the system does not know is refused by the "
                            + "checks.",
                        maxLength: 12,
                        example: "ICBC"
                    ),
                    "bankCardNumber": Self.bankCard,
                    "previousReference": Schema.string(
                        "What the previous system called the record.",
                        maxLength: BenefitTakeover.maximumReferenceLength
                    ),
                ],
                required: ["kind", "monthlyAmountFen", "startPeriod", "bankCode", "bankCardNumber"],
                description: """
                    待遇接续（原系统移交） / benefit takeover: a person (by `citizenId` or `personId`) already \
                    receiving a recurring benefit in a previous system; approval makes it an active benefit.
                    """
            ).merging(["anyOf": Self.eitherPerson]),
            "BenefitEffect": Schema.record(
                [
                    "kind": Schema.ref("BenefitKind"),
                    "kindName": Schema.string("The kind in the request's language."),
                    "schemeCode": Schema.ref("SchemeCode"),
                    "monthlyAmountFen": Schema.integer(minimum: 1),
                    "monthlyAmount": Schema.string("Yuan, two decimals."),
                    "startPeriod": Schema.period("The first period paid"),
                    "endPeriod": Schema.nullable(Schema.period("The last period paid")),
                    "bankCode": Schema.string(),
                    "bankName": Schema.string(),
                    "bankCardMasked": Schema.string(example: "622202******7894"),
                ],
                description: "The benefit a takeover's approval inserts."
            ),
            "BenefitSummary": Schema.record(
                [
                    "id": Schema.id(),
                    "officeId": Schema.id(),
                    "personId": Schema.id(),
                    "personName": Schema.nullable(Schema.string()),
                    "citizenIdMasked": Schema.nullable(Schema.string(example: "110105********1239")),
                    "kind": Schema.ref("BenefitKind"),
                    "kindName": Schema.string(),
                    "monthlyAmountFen": Schema.integer(minimum: 0),
                    "startPeriod": Schema.period("The first period paid"),
                    "endPeriod": Schema.nullable(Schema.period("The last period paid")),
                    "bankCode": Schema.string(),
                    "bankCardMasked": Schema.string(example: "622202******7894"),
                    "status": Schema.ref("BenefitStatus"),
                    "statusName": Schema.string(),
                    "version": Schema.integer(format: "int32"),
                ]
            ),
            "BenefitList": Self.page(of: "BenefitSummary"),
            "Benefit": Schema.record(
                [
                    "id": Schema.id(),
                    "officeId": Schema.id(),
                    "personId": Schema.id(),
                    "personName": Schema.nullable(Schema.string()),
                    "citizenId": Schema.nullable(Schema.string()),
                    "kind": Schema.ref("BenefitKind"),
                    "kindName": Schema.string("The kind in the request's language."),
                    "schemeCode": Schema.ref("SchemeCode"),
                    "monthlyAmountFen": Schema.integer("The monthly amount, in fen.", minimum: 0),
                    "monthlyAmount": Schema.string("Yuan, two decimals.", example: "3500.00"),
                    "startPeriod": Schema.period("The first period paid"),
                    "endPeriod": Schema.nullable(Schema.period("The last period paid")),
                    "bankCode": Schema.string(),
                    "bankName": Schema.string(),
                    "bankCardNumber": Schema.string(),
                    "status": Schema.ref("BenefitStatus"),
                    "statusName": Schema.string("The status in the request's language."),
                    "statusReason": Schema.nullable(Schema.string("Why it is suspended or ended.", lines: true)),
                    "statusChangedOn": Schema.nullable(
                        Schema.string("The day the suspension or end took effect.", format: "date")
                    ),
                    "applicationId": Schema.nullable(Schema.id("The takeover that brought it in.")),
                    "version": Schema.integer("Rises with every change; the ETag is it in quotes.", format: "int32"),
                    "createdAt": Schema.dateTime(),
                    "updatedAt": Schema.dateTime(),
                ],
                description: "A benefit (待遇), in full (the reading is audited)."
            ),
            "BenefitStatusChange": Schema.object(
                [
                    "status": Schema.ref("BenefitStatus"),
                    "reason": Schema.string(
                        "Why: required to suspend or end (1–\(BenefitStatusChange.maximumReasonLength) characters, "
                            + "lines allowed); on resuming it is kept in the audit trail only.",
                        maxLength: BenefitStatusChange.maximumReasonLength,
                        lines: true
                    ),
                    "effectiveOn": Schema.string(
                        "The day it takes effect (YYYY-MM-DD): required to suspend or end. An end closes the "
                            + "benefit at that month, which may not be before its start period.",
                        format: "date"
                    ),
                ],
                required: ["status"],
                description: "A new status for a benefit: suspended or ended with the reason and the day, or active."
            ),
        ]
    }
}
