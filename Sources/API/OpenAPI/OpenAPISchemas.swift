import Business
import Domain
import Security
import Store

extension OpenAPI {
    /// `components.schemas`: the shapes of the request and response bodies, as the routes read and
    /// write them. Enumerations come from the code (business types, schemes, issue codes), so they
    /// cannot fall behind it.
    enum Schemas {
        static var all: [String: JSONValue] {
            Self.problems
                .merging(Self.applications) { first, _ in first }
                .merging(Self.payloads) { first, _ in first }
                .merging(Self.registry) { first, _ in first }
                .merging(Self.vouchers) { first, _ in first }
                .merging(Self.authentication) { first, _ in first }
                .merging(Self.administration) { first, _ in first }
                .merging(Self.notifications) { first, _ in first }
                .merging(Self.benefits) { first, _ in first }
                .merging(Self.disbursement) { first, _ in first }
        }

        /// The schema of each business type's payload.
        static func payloadSchema(_ type: ApplicationType) -> String {
            switch type {
            case .personRegistration: "PersonRegistration"
            case .personChange: "PersonChange"
            case .employerRegistration: "EmployerRegistration"
            case .enrolment: "Enrolment"
            case .newbornEnrolment: "NewbornEnrolment"
            case .enrolmentEnd: "EnrolmentEnd"
            case .baseDeclaration: "BaseDeclaration"
            case .transferOut: "TransferOut"
            case .transferIn: "TransferIn"
            case .benefitTakeover: "BenefitTakeover"
            }
        }

        // MARK: Problems

        static let problems: [String: JSONValue] = [
            "Problem": Schema.object(
                [
                    "type": Schema.string(
                        "`about:blank` (also when absent): the status says what went wrong.",
                        format: "uri-reference"
                    ),
                    "title": Schema.string("The status in words, in the request's language under /api/v1."),
                    "status": Schema.integer("The HTTP status code.", minimum: 400, maximum: 599, format: "int32"),
                    "detail": Schema.string(
                        "What went wrong, for a person; in the request's language where translated."
                    ),
                    "requestId": Schema.string("The request's ID, as logged: quote it when reporting a problem."),
                    "errors": Schema.array(
                        Schema.ref("ValidationIssue"),
                        "The fields that failed the checks (422), each with a stable code."
                    ),
                    "warnings": Schema.array(
                        Schema.ref("ValidationIssue"),
                        "Findings that do not block, beside `errors`."
                    ),
                ],
                required: ["title", "status"],
                description: """
                    An RFC 9457 problem document (`application/problem+json`). The routes under /api/v1 write \
                    `title` and `detail` in Chinese, or in English with `Accept-Language: en` (and say which in \
                    `Content-Language`); `errors` and `warnings` list the fields when data failed the checks. \
                    A 500 never carries internals.
                    """
            ),
            "ValidationIssue": Schema.object(
                [
                    "field": Schema.string(
                        "The member the issue is about, as a path: `citizenId`, `enrolments[1].startPeriod`.",
                        example: "citizenId"
                    ),
                    "code": Schema.ref("IssueCode"),
                    "message": Schema.string("The issue in words, in the request's language."),
                    "arguments": [
                        "type": "object",
                        "additionalProperties": ["type": "string"],
                        "description":
                            "The figures the message is made of (`max`, `allowed`, `office` …); absent when none.",
                    ],
                ],
                required: ["field", "code", "message"]
            ),
            "IssueCode": Schema.oneOf(
                IssueCode.allCases.map(\.rawValue) + PasswordPolicy.Violation.allCases.map(\.rawValue),
                "A stable code clients may switch on; the `password_*` codes answer a new password the policy refuses."
            ),
            "Status": Schema.record(["status": Schema.string()], description: "A short answer."),
            "Health": Schema.record(
                [
                    "status": Schema.oneOf(["ok"]),
                    "database": Schema.oneOf(["ok", "not configured"], "Whether the database answered (readiness)."),
                ],
                optional: ["database"]
            ),
        ]

        // MARK: Applications

        static var applications: [String: JSONValue] {
            [
                "ApplicationType": Schema.oneOf(
                    ApplicationType.allCases.map(\.rawValue),
                    "The business type, which decides the shape of `payload`: "
                        + ApplicationType.allCases.map { "`\($0.rawValue)` → \(Self.payloadSchema($0))" }
                        .joined(separator: ", ") + "."
                ),
                "ApplicationStatus": Schema.oneOf(
                    ApplicationStatus.allCases.map(\.rawValue),
                    "draft → submitted → approved | rejected | returned; the maker may cancel a draft or a returned one."
                ),
                "SchemeCode": Schema.oneOf(
                    Scheme.allCases.map(\.rawValue),
                    "The insurance scheme: "
                        + Scheme.allCases.map { "\($0.rawValue) \($0.nameZh) / \($0.nameEn)" }.joined(separator: "; ")
                        + "."
                ),
                "ApplicationRequest": [
                    "type": "object",
                    "required": ["type", "payload"],
                    "additionalProperties": false,
                    "properties": [
                        "type": Schema.ref("ApplicationType"),
                        "payload": [
                            "description": "The business data; its shape is the one of `type` (see ApplicationType)."
                        ],
                    ],
                    "oneOf": .array(
                        ApplicationType.allCases.map { type in
                            [
                                "properties": [
                                    "type": ["const": .string(type.rawValue)],
                                    "payload": Schema.ref(Self.payloadSchema(type)),
                                ]
                            ]
                        }
                    ),
                    "description": """
                    A new application (or a preview): the business type and its payload. No \
                    discriminator: `type` names the payload's schema.
                    """,
                ],
                "ApplicationUpdate": Schema.object(
                    [
                        "type": Schema.ref("ApplicationType").merging([
                            "description": "The application's type, if given: another one is a 422."
                        ]),
                        "payload": Self.anyPayload("The new payload, of the application's own type."),
                    ],
                    required: ["payload"],
                    description: "The changed data of a draft or returned application."
                ),
                "Reasons": Schema.object(
                    [
                        "reasons": Schema.string(
                            "Why, for the applicant: 1–2000 characters, lines allowed.",
                            minLength: 1,
                            maxLength: 2000,
                            lines: true
                        )
                    ],
                    required: ["reasons"]
                ),
                "Checks": Schema.record(
                    [
                        "valid": Schema.boolean("Whether no check found an error: the application can be submitted."),
                        "errors": Schema.array(Schema.ref("ValidationIssue"), "What must be corrected."),
                        "warnings": Schema.array(Schema.ref("ValidationIssue"), "What the operator should look at."),
                        "effects": Schema.ref("Effects"),
                        "checkedAt": Schema.dateTime("When the checks ran."),
                    ],
                    description: "The results of both check stages, accuracy and compliance, as of `checkedAt`."
                ),
                "Effects": Schema.record(
                    [
                        "contributions": Schema.array(
                            Schema.ref("ContributionLine"),
                            "Monthly contributions, per scheme."
                        ),
                        "monthlyEmployerFen": Schema.integer("The employer's monthly total, in fen."),
                        "monthlyPersonalFen": Schema.integer("The person's monthly total, in fen."),
                        "changes": Schema.array(
                            Schema.record(
                                [
                                    "field": Schema.string(),
                                    "from": Schema.nullable(Schema.string()),
                                    "to": Schema.nullable(Schema.string()),
                                ]
                            ),
                            "Changed fields of a record."
                        ),
                        "coverFrom": Schema.string("A newborn's cover starts: a date, or after payment."),
                        "enrolments": Schema.array(
                            Schema.string(),
                            "The enrolments that end, or move with a transfer."
                        ),
                        "benefit": Schema.ref("BenefitEffect"),
                    ],
                    optional: ["monthlyEmployerFen", "monthlyPersonalFen", "coverFrom", "benefit"],
                    description: "What approving the application would do (or did). Money is integer fen; "
                        + "the yuan strings beside it are for display."
                ),
                "ContributionLine": Schema.record(
                    [
                        "schemeCode": Schema.ref("SchemeCode"),
                        "schemeName": Schema.string("The scheme's name in the request's language."),
                        "declaredWageFen": Schema.integer("The declared monthly wage, in fen."),
                        "baseFen": Schema.integer("The contribution base: the wage within the floor and ceiling."),
                        "baseFloorFen": Schema.integer(),
                        "baseCeilingFen": Schema.integer(),
                        "employerFen": Schema.integer("The employer's monthly contribution, in fen."),
                        "personalFen": Schema.integer("The person's monthly contribution, in fen."),
                        "clamped": Schema.nullable(
                            Schema.oneOf(["floor", "ceiling"], "Whether the wage was raised or cut.")
                        ),
                        "employerRate": Schema.string("A percentage.", example: "16%"),
                        "personalRate": Schema.string("A percentage.", example: "8%"),
                        "base": Schema.string("Yuan, two decimals.", example: "4500.00"),
                        "employer": Schema.string("Yuan, two decimals."),
                        "personal": Schema.string("Yuan, two decimals."),
                    ]
                ),
                "Application": Schema.record(
                    [
                        "id": Schema.id(),
                        "type": Schema.ref("ApplicationType"),
                        "typeName": Schema.string("The business type's name in the request's language."),
                        "status": Schema.ref("ApplicationStatus"),
                        "statusName": Schema.string("The status in words, in the request's language."),
                        "officeId": Schema.id(),
                        "payload": Self.anyPayload(
                            "The business data, normalised by the checks; its shape is `type`'s."
                        ),
                        "checks": Schema.nullable(Schema.ref("Checks")),
                        "personId": Schema.nullable(Schema.id("The person it concerns, once registered.")),
                        "employerId": Schema.nullable(Schema.id("The employer it concerns, once registered.")),
                        "makerId": Schema.id("The clerk who made it (经办人)."),
                        "checkerId": Schema.nullable(Schema.id("The reviewer who decided it (复核人).")),
                        "reasons": Schema.nullable(Schema.string("Why it was rejected or returned.", lines: true)),
                        "version": Schema.integer(
                            "Rises with every change; the ETag is it in quotes.",
                            format: "int32"
                        ),
                        "createdAt": Schema.dateTime(),
                        "updatedAt": Schema.dateTime(),
                        "submittedAt": Schema.nullable(Schema.dateTime()),
                        "decidedAt": Schema.nullable(Schema.dateTime()),
                        "voucherNumber": Schema.nullable(Schema.string("The voucher issued on approval.")),
                    ],
                    description: "An application (业务申请), in full."
                ),
                "ApplicationPreview": Schema.record(
                    [
                        "type": Schema.ref("ApplicationType"),
                        "payload": Self.anyPayload("The payload, normalised by the checks."),
                        "checks": Schema.ref("Checks"),
                    ],
                    description: "What the checks say of a payload; nothing is saved."
                ),
                "ApplicationSummary": Schema.record(
                    [
                        "id": Schema.id(),
                        "type": Schema.ref("ApplicationType"),
                        "typeName": Schema.string(),
                        "status": Schema.ref("ApplicationStatus"),
                        "statusName": Schema.string(),
                        "officeId": Schema.id(),
                        "makerId": Schema.id(),
                        "subjectName": Schema.nullable(Schema.string("The person's or employer's name, masked.")),
                        "subjectIdMasked": Schema.nullable(Schema.string("The citizen ID or credit code, masked.")),
                        "createdAt": Schema.dateTime(),
                        "submittedAt": Schema.nullable(Schema.dateTime()),
                        "version": Schema.integer(format: "int32"),
                    ]
                ),
                "ApplicationList": Self.page(of: "ApplicationSummary"),
            ]
        }

        /// Any of the payloads, told apart by the `type` beside it.
        static func anyPayload(_ description: String) -> JSONValue {
            [
                "description": .string(description),
                "anyOf": .array(ApplicationType.allCases.map { Schema.ref(Self.payloadSchema($0)) }),
            ]
        }

        /// A keyset page: the items and the link to the next page, `null` on the last.
        static func page(of item: String) -> JSONValue {
            Schema.record(
                [
                    "items": Schema.array(Schema.ref(item)),
                    "next": Schema.nullable(
                        Schema.string("The next page (the same query with a `cursor`); null on the last page.")
                    ),
                ],
                description: "A page of a list, newest first unless asked otherwise; identities are masked."
            )
        }

        // MARK: Payloads

        static let citizenID = Schema.string(
            "公民身份号码: 18 characters with the MOD 11-2 check character (15 legacy digits are converted).",
            maxLength: 18,
            example: "11010519491231002X"
        )
        static let householdType = Schema.oneOf(["urban", "rural"], "户籍类型.")
        static let gender = Schema.oneOf(["male", "female"], "Cross-checked with the citizen ID when given.")
        static let birthDate = Schema.string(
            "YYYY-MM-DD; cross-checked with the citizen ID when given.",
            format: "date"
        )
        static let mobile = Schema.string(
            "A mainland mobile number: 11 digits starting 13–19.",
            maxLength: 20,
            example: "13800138000"
        )
        static let personName = Schema.string(
            "Chinese characters (with ·) or Latin letters and spaces.",
            maxLength: PersonName.maximumLength,
            example: "张三"
        )
        static let address = Schema.string(maxLength: AccuracyCheck.maximumAddressLength)
        static let bankName = Schema.string(maxLength: AccuracyCheck.maximumBankNameLength)
        static let bankCard = Schema.string(
            "16–19 digits with a Luhn check digit; spaces and hyphens are removed.",
            maxLength: 40,
            example: "6222020200112233446"
        )
        static let ssCard = Schema.string("社会保障卡号: 1–20 of 0-9 and A-Z.", maxLength: 20)
        /// A registered person's record, in place of the citizen ID (lists mask the ID).
        static let personID = Schema.id("The person's record (from a search), in place of `citizenId`.")
        /// `citizenId` or `personId`, or both when they name the same person.
        static let eitherPerson: JSONValue = [["required": ["citizenId"]], ["required": ["personId"]]]
        /// The search parameter of a citizen ID: any text; only an exact ID finds anyone.
        static let citizenIDQuery = Schema.string("The exact citizen ID.", maxLength: 18)
        /// The search parameter of a credit code.
        static let creditCodeQuery = Schema.string("The exact credit code.", maxLength: 18)

        static var payloads: [String: JSONValue] {
            [
                "EnrolmentLine": Schema.object(
                    [
                        "schemeCode": Schema.ref("SchemeCode"),
                        "employerId": Schema.id("The employer, for employee schemes; none for residents' (170, 390)."),
                        "startPeriod": Schema.period("The first period covered"),
                        "declaredWageFen": Schema.integer(
                            "The declared monthly wage in fen, for employee schemes.",
                            minimum: 0,
                            maximum: 100_000_000
                        ),
                    ],
                    required: ["schemeCode", "startPeriod"],
                    description: "One scheme a person is enrolled in."
                ),
                "PersonRegistration": Schema.object(
                    [
                        "name": Self.personName,
                        "citizenId": Self.citizenID,
                        "gender": Self.gender,
                        "birthDate": Self.birthDate,
                        "phone": Self.mobile,
                        "address": Self.address,
                        "householdType": Self.householdType,
                        "ssCardNumber": Self.ssCard,
                        "bankCardNumber": Self.bankCard,
                        "bankName": Self.bankName,
                        "enrolments": Schema.array(
                            Schema.ref("EnrolmentLine"),
                            "First enrolments, if any.",
                            maxItems: Scheme.allCases.count
                        ),
                    ],
                    required: ["name", "citizenId", "householdType"],
                    description: "个人参保登记 / person registration: a new insured person."
                ),
                "PersonChange": Schema.object(
                    [
                        "citizenId": Self.citizenID,
                        "personId": Self.personID,
                        "name": Self.personName,
                        "phone": Self.mobile,
                        "address": Self.address,
                        "householdType": Self.householdType,
                        "ssCardNumber": Self.ssCard,
                        "bankCardNumber": Self.bankCard,
                        "bankName": Self.bankName,
                    ],
                    description: """
                        个人信息变更 / change of personal details: the person (by `citizenId` or `personId`) and \
                        the new values; absent members stay as they are.
                        """
                ).merging(["anyOf": Self.eitherPerson]),
                "EmployerRegistration": Schema.object(
                    [
                        "creditCode": Schema.string(
                            "统一社会信用代码: 18 characters with the GB 32100 check character.",
                            maxLength: 18,
                            example: "91320102MA1XXXXX34"
                        ),
                        "name": Schema.string(maxLength: EmployerRegistration.maximumNameLength),
                        "industryCode": Schema.string(
                            "GB/T 4754: a section letter A–T and up to four digits.",
                            maxLength: 8,
                            example: "I6510"
                        ),
                        "riskClass": Schema.integer("Work-injury risk class.", minimum: 1, maximum: 8, format: "int32"),
                        "address": Self.address,
                        "contactPhone": Schema.string("A landline or mobile number.", maxLength: 20),
                    ],
                    required: ["creditCode", "name", "industryCode", "riskClass"],
                    description: "单位参保登记 / employer registration."
                ),
                "Enrolment": Schema.object(
                    [
                        "citizenId": Self.citizenID,
                        "personId": Self.personID,
                        "enrolments": Schema.array(Schema.ref("EnrolmentLine"), maxItems: Scheme.allCases.count),
                    ],
                    required: ["enrolments"],
                    description: """
                        参保（增员） / enrolment of a registered person (by `citizenId` or `personId`) in one or more \
                        schemes.
                        """
                ).merging(["anyOf": Self.eitherPerson]),
                "NewbornEnrolment": Schema.object(
                    [
                        "name": Self.personName,
                        "citizenId": Self.citizenID,
                        "gender": Self.gender,
                        "birthDate": Self.birthDate,
                        "householdType": Self.householdType,
                        "guardianCitizenId": Schema.string(
                            "The guardian's citizen ID: a registered person.",
                            maxLength: 18
                        ),
                        "guardianPhone": Self.mobile,
                    ],
                    required: ["name", "citizenId", "householdType", "guardianCitizenId"],
                    description: "新生儿参保登记 / newborn enrolment in residents' medical insurance (390)."
                ),
                "EnrolmentEnd": Schema.object(
                    [
                        "enrolmentId": Schema.id(),
                        "endPeriod": Schema.period("The last period covered"),
                        "reason": Schema.oneOf(EnrolmentEnd.reasons),
                    ],
                    required: ["enrolmentId", "endPeriod", "reason"],
                    description: "停保（减员） / the end of an enrolment."
                ),
                "BaseDeclaration": Schema.object(
                    [
                        "employerId": Schema.id(),
                        "year": Schema.integer("The contribution year.", minimum: 1900, maximum: 9999, format: "int32"),
                        "lines": Schema.array(
                            Schema.object(
                                [
                                    "citizenId": Self.citizenID,
                                    "declaredWageFen": Schema.integer(
                                        "The declared monthly wage, in fen.",
                                        minimum: 0,
                                        maximum: 100_000_000
                                    ),
                                ],
                                required: ["citizenId", "declaredWageFen"]
                            ),
                            maxItems: 5000
                        ),
                    ],
                    required: ["employerId", "year", "lines"],
                    description: "缴费基数申报 / an employer's declared wages of its staff for a year."
                ),
                "TransferOut": Schema.object(
                    [
                        "citizenId": Self.citizenID,
                        "personId": Self.personID,
                        "toOfficeCode": Schema.string("The receiving office's code.", maxLength: 9, example: "320105"),
                        "lastPeriod": Schema.period("The last period paid here"),
                    ],
                    required: ["toOfficeCode", "lastPeriod"],
                    description: "社会保险关系转出 / transfer out to another office (the person by `citizenId` or `personId`)."
                ).merging(["anyOf": Self.eitherPerson]),
                "TransferIn": Schema.object(
                    [
                        "transferId": Schema.id(),
                        "startPeriod": Schema.period("The first period paid here"),
                    ],
                    required: ["transferId", "startPeriod"],
                    description: "社会保险关系转入 / transfer in: the receiving office takes a transfer in."
                ),
            ]
        }

        // MARK: Registry

        static var registry: [String: JSONValue] {
            [
                "PersonSummary": Schema.record(
                    [
                        "id": Schema.id(),
                        "name": Schema.string(),
                        "citizenIdMasked": Schema.string(example: "110105********1239"),
                        "phoneMasked": Schema.nullable(Schema.string(example: "138****8000")),
                        "gender": Schema.string(),
                        "officeId": Schema.id(),
                    ]
                ),
                "PersonList": Self.page(of: "PersonSummary"),
                "Person": Schema.record(
                    [
                        "id": Schema.id(),
                        "citizenId": Schema.nullable(Schema.string()),
                        "name": Schema.nullable(Schema.string()),
                        "gender": Schema.nullable(Schema.string()),
                        "birthDate": Schema.nullable(Schema.string(format: "date")),
                        "phone": Schema.nullable(Schema.string()),
                        "address": Schema.nullable(Schema.string()),
                        "householdType": Schema.nullable(Schema.string()),
                        "ssCardNumber": Schema.nullable(Schema.string()),
                        "bankCardNumber": Schema.nullable(Schema.string()),
                        "bankName": Schema.nullable(Schema.string()),
                        "officeId": Schema.id(),
                        "enrolments": Schema.array(
                            Schema.record(
                                [
                                    "id": Schema.id(),
                                    "schemeCode": Schema.ref("SchemeCode"),
                                    "schemeName": Schema.string(),
                                    "status": Schema.string(),
                                    "employerId": Schema.nullable(Schema.id()),
                                    "startPeriod": Schema.period("The first period"),
                                    "endPeriod": Schema.nullable(Schema.period("The last period")),
                                ]
                            )
                        ),
                        "applications": Schema.array(
                            Schema.record(
                                [
                                    "id": Schema.id(),
                                    "type": Schema.ref("ApplicationType"),
                                    "typeName": Schema.string(),
                                    "status": Schema.ref("ApplicationStatus"),
                                    "statusName": Schema.string(),
                                    "createdAt": Schema.dateTime(),
                                    "voucherNumber": Schema.nullable(Schema.string()),
                                ]
                            ),
                            "The latest 100 applications."
                        ),
                        "documents": Schema.array(Schema.ref("DocumentInfo")),
                    ],
                    description: "An insured person's record, in full (the reading is audited)."
                ),
                "EmployerSummary": Schema.record(
                    [
                        "id": Schema.id(),
                        "creditCode": Schema.string(),
                        "name": Schema.string(),
                        "status": Schema.string(),
                        "contactPhoneMasked": Schema.nullable(Schema.string()),
                        "officeId": Schema.id(),
                    ]
                ),
                "EmployerList": Self.page(of: "EmployerSummary"),
                "Employer": Schema.record(
                    [
                        "id": Schema.id(),
                        "creditCode": Schema.nullable(Schema.string()),
                        "name": Schema.nullable(Schema.string()),
                        "industryCode": Schema.nullable(Schema.string()),
                        "address": Schema.nullable(Schema.string()),
                        "contactPhone": Schema.nullable(Schema.string()),
                        "status": Schema.nullable(Schema.string()),
                        "riskClass": Schema.integer(minimum: 1, maximum: 8, format: "int32"),
                        "officeId": Schema.id(),
                        "staffCount": Schema.integer("Persons actively enrolled through the employer.", minimum: 0),
                    ],
                    description: "An employer's record, in full (the reading is audited)."
                ),
                "DocumentType": Schema.oneOf(RegistryRoutes.documentTypes, "What the scan is."),
                "DocumentInfo": Schema.record(
                    [
                        "id": Schema.id(),
                        "documentType": Schema.ref("DocumentType"),
                        "contentType": Schema.oneOf(["image/jpeg", "image/png", "application/pdf"]),
                        "sizeBytes": Schema.integer(minimum: 1),
                        "uploadedAt": Schema.dateTime(),
                    ]
                ),
                "Document": Schema.record(
                    [
                        "id": Schema.id(),
                        "contentType": Schema.oneOf(
                            ["image/jpeg", "image/png", "application/pdf"],
                            "Recognised by the file's bytes."
                        ),
                        "sizeBytes": Schema.integer(minimum: 1, maximum: RegistryRoutes.maxDocumentBytes),
                    ],
                    description: "A stored scan."
                ),
            ]
        }

        // MARK: Vouchers

        static var vouchers: [String: JSONValue] {
            [
                "Voucher": Schema.record(
                    [
                        "number": Schema.string(example: "320102001-20261130-000017"),
                        "verificationCode": Schema.string(
                            "\(VoucherCode.length) base32 characters.",
                            pattern: "^[A-Z2-7]{\(VoucherCode.length)}$"
                        ),
                        "verifyUrl": Schema.string("Where anyone checks it.", format: "uri-reference"),
                        "content": Schema.ref("VoucherContent"),
                    ],
                    description: "A voucher (办理凭证) issued on approval."
                ),
                "VoucherContent": Schema.record(
                    [
                        "number": Schema.string(
                            "Office code, date and sequence.",
                            example: "320102001-20261130-000017"
                        ),
                        "businessType": Schema.ref("ApplicationType"),
                        "businessNameZh": Schema.string(),
                        "businessNameEn": Schema.string(),
                        "applicationId": Schema.id(),
                        "personName": Schema.nullable(Schema.string()),
                        "personCitizenIdMasked": Schema.nullable(Schema.string(example: "110105********1239")),
                        "employerName": Schema.nullable(Schema.string()),
                        "employerCreditCodeMasked": Schema.nullable(Schema.string()),
                        "officeCode": Schema.string(),
                        "officeName": Schema.string(),
                        "makerName": Schema.string("经办人."),
                        "makerUsername": Schema.string(),
                        "reviewerName": Schema.string("复核人."),
                        "reviewerUsername": Schema.string(),
                        "submittedAt": Schema.dateTime("With the +08:00 offset."),
                        "issuedAt": Schema.dateTime("With the +08:00 offset."),
                        "result": Schema.string("The outcome: `approved`."),
                        "details": Schema.array(
                            Schema.record(
                                ["labelZh": Schema.string(), "labelEn": Schema.string(), "value": Schema.string()]
                            ),
                            "What was decided, line by line."
                        ),
                        "timeLimitWorkingDays": Schema.nullable(Schema.integer(minimum: 0, format: "int32")),
                    ],
                    description: "What a voucher says; identifiers are masked."
                ),
                "VerificationResult": Schema.record(
                    [
                        "valid": Schema.boolean("Whether the number exists and the code is its code."),
                        "number": Schema.string(),
                        "businessType": Schema.ref("ApplicationType"),
                        "businessName": Schema.string(),
                        "result": Schema.string(),
                        "officeName": Schema.string(),
                        "issuedAt": Schema.dateTime(),
                        "personName": Schema.nullable(Schema.string("Masked.")),
                        "personCitizenIdMasked": Schema.nullable(Schema.string()),
                        "employerName": Schema.nullable(Schema.string()),
                        "employerCreditCodeMasked": Schema.nullable(Schema.string()),
                    ],
                    optional: [
                        "number", "businessType", "businessName", "result", "officeName", "issuedAt", "personName",
                        "personCitizenIdMasked", "employerName", "employerCreditCodeMasked",
                    ],
                    description: "The public answer of a voucher check: only `valid: false` when nothing matched."
                ),
            ]
        }

        // MARK: Log-in

        static var authentication: [String: JSONValue] {
            [
                "LoginRequest": Schema.object(
                    [
                        "username": Schema.string(maxLength: 200),
                        "password": Schema.string(maxLength: 1024),
                        "code": Schema.string(
                            "The authenticator app's code, or a recovery code, for accounts with a second factor.",
                            maxLength: 32
                        ),
                    ],
                    required: ["username", "password"],
                    description: "An operator's log-in."
                ),
                "PersonCodeRequest": Schema.object(
                    ["citizenId": Schema.string(maxLength: 18)],
                    required: ["citizenId"]
                ),
                "PersonLoginRequest": [
                    "type": "object",
                    "additionalProperties": false,
                    "properties": [
                        "citizenId": Schema.string(maxLength: 18),
                        "password": Schema.string(maxLength: 1024),
                        "code": Schema.string("The code sent by SMS.", maxLength: 16),
                    ],
                    "required": ["citizenId"],
                    "oneOf": [["required": ["password"]], ["required": ["code"]]],
                    "description": "An insured person's log-in: with a password or with a code sent by SMS, not both.",
                ],
                "LoginResponse": Schema.record(
                    [
                        "token": Schema.string("The bearer token: send it as `Authorization: Bearer <token>`."),
                        "tokenType": Schema.oneOf(["Bearer"]),
                        "expiresAt": Schema.dateTime("The session's absolute end; it also ends after idling."),
                        "operator": Schema.ref("Me"),
                        "person": Schema.ref("Me"),
                        "mustChangePassword": Schema.boolean(
                            "The operator must change the password before anything else."
                        ),
                        "secondFactorEnrolmentRequired": Schema.boolean(
                            "The operator's roles need a second factor, which is not enrolled yet."
                        ),
                    ],
                    optional: ["operator", "person"],
                    description: "A session: `operator` for an operator's log-in, `person` for an insured person's."
                ),
                "Me": Schema.record(
                    [
                        "kind": Schema.oneOf(["operator", "person"]),
                        "id": Schema.id("The operator's or the person's ID."),
                        "username": Schema.string(),
                        "displayName": Schema.string(),
                        "officeId": Schema.id(),
                        "roles": Schema.array(Schema.string(), "The operator's roles (none for persons)."),
                        "mustChangePassword": Schema.boolean(),
                        "secondFactorEnrolmentRequired": Schema.boolean(
                            "The operator's roles need a second factor, which is not enrolled yet: until it is, only the "
                                + "enrolment, me, log-out and the password change answer."
                        ),
                        "sessionExpiresAt": Schema.dateTime(),
                    ],
                    optional: ["id", "username", "displayName"],
                    description: "Who the session belongs to."
                ),
                "PasswordChange": Schema.object(
                    [
                        "currentPassword": Schema.string(
                            "Needed, except by an insured person who has no password yet.",
                            maxLength: 1024
                        ),
                        "newPassword": Schema.string(maxLength: 1024),
                    ],
                    required: ["newPassword"]
                ),
                "SecondFactorEnrolment": Schema.record(
                    [
                        "secret": Schema.string("The TOTP secret, base32."),
                        "uri": Schema.string("An `otpauth://` URI for a QR code.", format: "uri"),
                    ]
                ),
                "CodeRequest": Schema.object(
                    ["code": Schema.string("A code of the authenticator app.", maxLength: 32)],
                    required: ["code"]
                ),
                "RecoveryCodes": Schema.record(
                    [
                        "recoveryCodes": Schema.array(
                            Schema.string(),
                            "Shown this once; each logs in once instead of a code."
                        )
                    ]
                ),
                "AuditEvent": Schema.record(
                    [
                        "id": Schema.id(),
                        "position": Schema.integer("The event's place in the hash chain."),
                        "occurredAt": Schema.dateTime(),
                        "officeId": Schema.id(),
                        "actorKind": Schema.nullable(Schema.string()),
                        "actorId": Schema.nullable(Schema.id()),
                        "action": Schema.nullable(Schema.string(example: "application.approve")),
                        "targetType": Schema.nullable(Schema.string()),
                        "targetId": Schema.nullable(Schema.string()),
                        "requestId": Schema.nullable(Schema.string()),
                        "clientAddress": Schema.nullable(Schema.string()),
                        "outcome": Schema.nullable(Schema.string()),
                        "hash": Schema.nullable(Schema.string("The chain hash, hex.")),
                        "before": ["description": "The record before the change, as JSON, or null."],
                        "after": ["description": "The record after the change, as JSON, or null."],
                    ]
                ),
                "AuditEventList": Schema.record(
                    [
                        "events": Schema.array(Schema.ref("AuditEvent")),
                        "next": Schema.nullable(Schema.string("The next (older) page; null on the last.")),
                    ],
                    description: "The audit log, newest first."
                ),
            ]
        }

        // MARK: Administration

        static var administration: [String: JSONValue] {
            [
                "NewOperator": Schema.object(
                    [
                        "username": Schema.string(
                            "3–40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.",
                            pattern: "^[a-z0-9][a-z0-9._-]{2,39}$",
                            maxLength: 40
                        ),
                        "displayName": Schema.string(minLength: 1, maxLength: 100),
                        "officeId": Schema.id(),
                        "roles": Schema.array(Schema.ref("Role"), maxItems: 7),
                    ],
                    required: ["username", "displayName", "officeId"]
                ),
                "Role": Schema.oneOf(
                    AdminRoutes.roles,
                    "Incompatible pairs (maker and checker) are refused with 409."
                ),
                "NewOperatorResult": Schema.record(
                    [
                        "id": Schema.id(),
                        "oneTimePassword": Schema.string("To be changed at the first log-in."),
                    ]
                ),
                "NewOffice": Schema.object(
                    [
                        "parentId": Schema.id(),
                        "code": Schema.string(
                            "A six-digit region code (GB/T 2260), or nine digits for a service point.",
                            pattern: "^[1-9][0-9]{5}([0-9]{3})?$",
                            maxLength: 9
                        ),
                        "name": Schema.string(minLength: 1, maxLength: 100),
                        "level": Schema.oneOf(["city", "district", "service_point"]),
                    ],
                    required: ["parentId", "code", "name", "level"]
                ),
                "Created": Schema.record(["id": Schema.id()]),
                "RoleAssignment": Schema.object(["role": Schema.ref("Role")], required: ["role"]),
                "OneTimePassword": Schema.record(["oneTimePassword": Schema.string()]),
            ]
        }

        // MARK: Notifications

        static var notifications: [String: JSONValue] {
            [
                "InboxMessage": Schema.record(
                    [
                        "id": Schema.id(),
                        // As the scheduler wrote them from the templates: any text, so no pattern of ours.
                        "title": ["type": "string", "minLength": 1, "maxLength": 200],
                        "body": ["type": "string", "maxLength": 5000],
                        "createdAt": Schema.dateTime(),
                        "readAt": Schema.nullable(Schema.dateTime("When the reader first marked it read.")),
                    ],
                    description: "A message of the caller's in-app inbox."
                ),
                "Inbox": Schema.record(
                    [
                        "items": Schema.array(Schema.ref("InboxMessage")),
                        "next": Schema.nullable(
                            Schema.string("The next page (the same query with a `cursor`); null on the last page.")
                        ),
                        "unreadCount": Schema.integer("The caller's messages not read yet, all pages.", minimum: 0),
                    ],
                    description: "A page of the caller's inbox, newest first, and the number unread."
                ),
                "NotificationStatus": Schema.oneOf(
                    DeliveryStatus.allCases.map(\.rawValue),
                    "pending (waiting, or being delivered) → sent | failed (refused for good) | dead (its attempts "
                        + "ran out); an administrator's retry puts a failed or dead one back to pending."
                ),
                "NotificationChannel": Schema.oneOf(
                    OutboxMessage.Channel.allCases.map(\.rawValue),
                    "The in-app inbox, a text message, or a webhook of the office's."
                ),
                "Notification": Schema.record(
                    [
                        "id": Schema.id(),
                        "officeId": Schema.id(),
                        "personId": Schema.nullable(Schema.id("The person it is for.")),
                        "operatorId": Schema.nullable(Schema.id("The operator it is for.")),
                        "channel": Schema.ref("NotificationChannel"),
                        // As the message was queued: the column takes any text, so no pattern of ours.
                        "address": [
                            "type": ["string", "null"],
                            "maxLength": 300,
                            "description":
                                "An SMS's number, masked (`138****8000`); a webhook's address; null for the inbox.",
                        ],
                        "template": Schema.string("The event's template.", example: "application.approved"),
                        "status": Schema.ref("NotificationStatus"),
                        "statusName": Schema.string("The status in words, in the request's language."),
                        "attempts": Schema.integer(
                            "Attempts made since it was queued or last retried.",
                            minimum: 0,
                            format: "int32"
                        ),
                        "lastError": [
                            "type": ["string", "null"],
                            "description": "What the last attempt failed with, as the channel said it (any text).",
                        ],
                        "createdAt": Schema.dateTime(),
                        "sentAt": Schema.nullable(Schema.dateTime()),
                        "nextAttemptAt": Schema.dateTime("When it is due (again), for a pending message."),
                    ],
                    description: "A message of the notification outbox, as administration sees it."
                ),
                "NotificationList": Self.page(of: "Notification"),
            ]
        }
    }
}
