import Domain

extension OpenAPI {
    /// The operations of the API, one per route, in the order of the route files.
    enum Paths {
        static var operations: [Operation] {
            Self.system + Self.authentication + Self.administration + Self.applications + Self.registry
                + Self.vouchers
        }

        // MARK: System

        static var system: [Operation] {
            [
                Operation(
                    method: "get",
                    path: "/healthz",
                    id: "getHealth",
                    tag: "system",
                    summary: "存活检查 / Liveness",
                    description: "Answers while the worker runs; touches nothing else.",
                    access: .open,
                    responses: [200: Reply.json("Health", "The worker runs.")]
                ),
                Operation(
                    method: "get",
                    path: "/readyz",
                    id: "getReadiness",
                    tag: "system",
                    summary: "就绪检查 / Readiness",
                    description:
                        "Whether the database answers (`database: \"not configured\"` when the worker has none).",
                    access: .open,
                    responses: [200: Reply.json("Health", "Ready.")],
                    errors: [503]
                ),
                Operation(
                    method: "get",
                    path: "/metrics",
                    id: "getMetrics",
                    tag: "system",
                    summary: "运行指标 / Metrics",
                    description: "Counters and gauges of the worker in the Prometheus text format 0.0.4.",
                    access: .open,
                    responses: [200: Reply.media(["text/plain"], ["type": "string"], "Prometheus text format.")]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/openapi.json",
                    id: "getOpenAPIDocument",
                    tag: "system",
                    summary: "接口说明 / This API description",
                    description: "This document: OpenAPI 3.1.",
                    access: .open,
                    responses: [200: Reply.media(["application/json"], ["type": "object"], "The OpenAPI document.")]
                ),
            ]
        }

        // MARK: Log-in

        static var authentication: [Operation] {
            [
                Operation(
                    method: "post",
                    path: "/api/v1/auth/login",
                    id: "logIn",
                    tag: "auth",
                    summary: "经办人员登录 / Operator log-in",
                    description: """
                        User name and password, and the authenticator's code for accounts with a second factor. \
                        One answer (401) for an unknown name, a wrong password or code, a locked or disabled \
                        account; repeated failures lock the account, and many from one address are refused (429).
                        """,
                    access: .openLocalized,
                    requestBody: Body.json("LoginRequest"),
                    responses: [200: Reply.json("LoginResponse", "Logged in: the session's token.")],
                    errors: [400, 401, 429]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/auth/person/code",
                    id: "sendPersonLoginCode",
                    tag: "auth",
                    summary: "发送登录验证码 / Send an insured person a log-in code",
                    description: """
                        Sends a six-digit code, valid five minutes, to the phone registered for the citizen ID. \
                        The answer is the same whether or not there is one.
                        """,
                    access: .openLocalized,
                    requestBody: Body.json("PersonCodeRequest"),
                    responses: [202: Reply.json("Status", "Accepted: a code is sent if the number is registered.")],
                    errors: [400]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/auth/person/login",
                    id: "logInPerson",
                    tag: "auth",
                    summary: "参保人员登录 / Insured person log-in",
                    description:
                        "Citizen ID with a password or with a code sent by SMS; the session sees the person's own records.",
                    access: .openLocalized,
                    requestBody: Body.json("PersonLoginRequest"),
                    responses: [200: Reply.json("LoginResponse", "Logged in: the session's token.")],
                    errors: [400, 401, 429]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/auth/logout",
                    id: "logOut",
                    tag: "auth",
                    summary: "退出登录 / Log out",
                    description: "Ends the session of the token.",
                    access: .session,
                    responses: [204: Reply.empty("Logged out.")]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/auth/password",
                    id: "changePassword",
                    tag: "auth",
                    summary: "修改密码 / Change the password",
                    description: """
                        The current password and a new one meeting the policy (422 names each rule broken, with a \
                        `password_*` code). An operator's other sessions end. An insured person who logged in with a \
                        code sets a first password without a current one.
                        """,
                    access: .session,
                    requestBody: Body.json("PasswordChange"),
                    responses: [204: Reply.empty("Changed.")],
                    errors: [400, 403, 409, 422]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/auth/totp",
                    id: "beginSecondFactor",
                    tag: "auth",
                    summary: "开始绑定动态口令 / Begin enrolling a second factor",
                    description: "A new TOTP secret, pending until a code from it is confirmed. Operators only.",
                    access: .session,
                    responses: [200: Reply.json("SecondFactorEnrolment", "The secret to add to an authenticator app.")],
                    errors: [403, 409]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/auth/totp/confirm",
                    id: "confirmSecondFactor",
                    tag: "auth",
                    summary: "确认绑定动态口令 / Confirm the second factor",
                    description:
                        "A code of the new secret makes it the operator's second factor; ten recovery codes come back.",
                    access: .session,
                    requestBody: Body.json("CodeRequest"),
                    responses: [200: Reply.json("RecoveryCodes", "Enrolled.")],
                    errors: [400, 403, 409, 422]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/auth/me",
                    id: "getMe",
                    tag: "auth",
                    summary: "当前用户 / Who am I",
                    description: "The session's operator or person; answers while a password change is pending.",
                    access: .session,
                    responses: [200: Reply.json("Me", "The session's principal.")]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/audit",
                    id: "listAuditEvents",
                    tag: "audit",
                    summary: "审计日志 / Audit log",
                    description: "The audit events of the auditor's offices, newest first. Role: auditor.",
                    access: .session,
                    parameters: [
                        Parameter.limit(default: 50, maximum: 200),
                        Parameter.query("before", Schema.id(), "Events older than this ID (from `next`)."),
                        Parameter.query("actorId", Schema.id(), "Only this actor's events."),
                        Parameter.query("action", Schema.string(example: "application.approve"), "Only this action."),
                    ],
                    responses: [200: Reply.json("AuditEventList", "A page of events.")],
                    errors: [400, 403]
                ),
            ]
        }

        // MARK: Administration

        static var administration: [Operation] {
            let operatorID = Parameter.id("The operator.")
            let description = "Role: administrator, within the administrator's offices; audited."
            return [
                Operation(
                    method: "post",
                    path: "/api/v1/admin/operators",
                    id: "createOperator",
                    tag: "admin",
                    summary: "新增经办人员 / Create an operator",
                    description: description
                        + " The one-time password is shown this once: a retry with the same Idempotency-Key is"
                        + " refused (409) rather than shown it again.",
                    access: .business(idempotent: true),
                    requestBody: Body.json("NewOperator"),
                    responses: [201: Reply.json("NewOperatorResult", "Created.")],
                    errors: [400, 403, 409, 422]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/admin/offices",
                    id: "createOffice",
                    tag: "admin",
                    summary: "新增经办机构 / Create an office",
                    description: description + " The new office is below `parentId`.",
                    access: .business(idempotent: true),
                    requestBody: Body.json("NewOffice"),
                    responses: [201: Reply.json("Created", "Created.")],
                    errors: [400, 403, 409, 422]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/admin/operators/{id}/roles",
                    id: "assignRole",
                    tag: "admin",
                    summary: "分配角色 / Assign a role",
                    description: description + " Incompatible roles (maker and checker) are a 409.",
                    access: .business(idempotent: true),
                    parameters: [operatorID],
                    requestBody: Body.json("RoleAssignment"),
                    responses: [201: Reply.empty("Assigned.")],
                    errors: [400, 403, 404, 409, 422]
                ),
                Operation(
                    method: "delete",
                    path: "/api/v1/admin/operators/{id}/roles/{role}",
                    id: "revokeRole",
                    tag: "admin",
                    summary: "撤销角色 / Revoke a role",
                    description: description,
                    access: .business(idempotent: false),
                    parameters: [operatorID, Parameter.path("role", Schema.ref("Role"), "The role.")],
                    responses: [204: Reply.empty("Revoked.")],
                    errors: [403, 404]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/admin/operators/{id}/disable",
                    id: "disableOperator",
                    tag: "admin",
                    summary: "停用经办人员 / Disable an operator",
                    description: description + " Administrators cannot disable themselves (409).",
                    access: .business(idempotent: true),
                    parameters: [operatorID],
                    responses: [204: Reply.empty("Disabled.")],
                    errors: [403, 404, 409]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/admin/operators/{id}/reset-password",
                    id: "resetOperatorPassword",
                    tag: "admin",
                    summary: "重置密码 / Reset an operator's password",
                    description: description + " A new one-time password, to be changed at the next log-in.",
                    access: .business(idempotent: true),
                    parameters: [operatorID],
                    responses: [200: Reply.json("OneTimePassword", "The new one-time password, shown this once.")],
                    errors: [403, 404]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/admin/operators/{id}/reset-totp",
                    id: "resetOperatorSecondFactor",
                    tag: "admin",
                    summary: "重置动态口令 / Reset an operator's second factor",
                    description: description,
                    access: .business(idempotent: true),
                    parameters: [operatorID],
                    responses: [204: Reply.empty("Reset: the operator enrols again.")],
                    errors: [403, 404]
                ),
            ]
        }

        // MARK: Applications

        static var applications: [Operation] {
            let id = Parameter.id("The application.")
            let one = Reply.json("Application", "The application.", headers: ["ETag"])
            let ifMatch = Components.parameter("IfMatch")
            return [
                Operation(
                    method: "post",
                    path: "/api/v1/applications/preview",
                    id: "previewApplication",
                    tag: "applications",
                    summary: "预检业务申请 / Preview an application",
                    description: """
                        Runs both check stages (accuracy and compliance) and computes the effects, such as the \
                        monthly contributions, without saving anything. Roles: clerk, reviewer.
                        """,
                    access: .business(idempotent: false),
                    requestBody: Body.json("ApplicationRequest"),
                    responses: [
                        200: Reply.json("ApplicationPreview", "The checks' findings; `checks.valid` says if it can go.")
                    ],
                    errors: [400, 403, 422, 503]
                ),
                Operation(
                    method: "post",
                    path: "/api/v1/applications",
                    id: "createApplication",
                    tag: "applications",
                    summary: "新建业务申请（草稿） / Create an application (draft)",
                    description: "Saves a draft with its check results. Role: clerk (the maker).",
                    access: .business(idempotent: true),
                    requestBody: Body.json("ApplicationRequest"),
                    responses: [201: Reply.json("Application", "Created.", headers: ["ETag", "Location"])],
                    errors: [400, 403, 409, 422, 503]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/applications",
                    id: "listApplications",
                    tag: "applications",
                    summary: "业务申请列表 / List applications",
                    description: """
                        The review queue and the history, filtered, a keyset page at a time; identities masked. \
                        Roles: clerk, reviewer, office_manager; an insured person gets their own applications.
                        """,
                    access: .business(idempotent: false),
                    parameters: [
                        Parameter.limit(default: 50, maximum: 200),
                        Parameter.cursor,
                        Parameter.query("status", Schema.ref("ApplicationStatus"), "Only this status."),
                        Parameter.query("type", Schema.ref("ApplicationType"), "Only this business type."),
                        Parameter.query("officeId", Schema.id(), "Only this office."),
                        Parameter.query(
                            "olderThanDays",
                            Schema.integer(minimum: 0, maximum: 3650, format: "int32"),
                            "Only those submitted (or created) at least this many days ago."
                        ),
                        Parameter.query(
                            "order",
                            ["type": "string", "enum": ["newest", "oldest"], "default": "newest"],
                            "Newest first, or oldest first (a queue)."
                        ),
                        Parameter.query(
                            "mine",
                            ["type": "string", "enum": ["true", "false"], "default": "false"],
                            "Only the caller's own applications."
                        ),
                    ],
                    responses: [200: Reply.json("ApplicationList", "A page of applications.")],
                    errors: [400, 403]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/applications/{id}",
                    id: "getApplication",
                    tag: "applications",
                    summary: "查看业务申请 / Get an application",
                    description: "In full. Roles: clerk, reviewer, office_manager; insured persons see their own.",
                    access: .business(idempotent: false),
                    parameters: [id],
                    responses: [200: one],
                    errors: [403, 404]
                ),
                Operation(
                    method: "put",
                    path: "/api/v1/applications/{id}",
                    id: "updateApplication",
                    tag: "applications",
                    summary: "修改业务申请 / Change an application",
                    description: "A draft or returned application, by its maker; the checks run again. Role: clerk.",
                    access: .business(idempotent: false),
                    parameters: [id, Components.parameter("IfMatchRequired")],
                    requestBody: Body.json("ApplicationUpdate"),
                    responses: [200: one],
                    errors: [400, 403, 404, 409, 412, 422, 428, 503]
                ),
                Self.step(
                    "submit",
                    id: "submitApplication",
                    summary: "提交业务申请 / Submit an application",
                    description: """
                        A draft or returned application goes to review; the checks run again and any error is a 422. \
                        By its maker. Role: clerk.
                        """,
                    parameters: [id, ifMatch]
                ),
                Self.step(
                    "approve",
                    id: "approveApplication",
                    summary: "复核通过 / Approve an application",
                    description: """
                        The checks run again; the effects apply, the voucher is issued, the applicant notified, all \
                        in one transaction. A reviewer other than the maker (maker-checker). Role: reviewer.
                        """,
                    parameters: [id, ifMatch]
                ),
                Self.step(
                    "reject",
                    id: "rejectApplication",
                    summary: "不予办理 / Reject an application",
                    description:
                        "With the reasons, for the applicant. A reviewer other than the maker. Role: reviewer.",
                    parameters: [id, ifMatch],
                    body: Body.json("Reasons")
                ),
                Self.step(
                    "return",
                    id: "returnApplication",
                    summary: "退回补正 / Return an application for correction",
                    description: "With the reasons; the maker corrects and submits again. Role: reviewer.",
                    parameters: [id, ifMatch],
                    body: Body.json("Reasons")
                ),
                Self.step(
                    "cancel",
                    id: "cancelApplication",
                    summary: "撤销业务申请 / Cancel an application",
                    description: "A draft or returned application, by its maker. Role: clerk.",
                    parameters: [id, ifMatch]
                ),
            ]
        }

        /// A step of the workflow: `POST /api/v1/applications/{id}/<verb>`.
        static func step(
            _ verb: String,
            id: String,
            summary: String,
            description: String,
            parameters: [JSONValue],
            body: JSONValue? = nil
        ) -> Operation {
            Operation(
                method: "post",
                path: "/api/v1/applications/{id}/\(verb)",
                id: id,
                tag: "applications",
                summary: summary,
                description: description,
                access: .business(idempotent: true),
                parameters: parameters,
                requestBody: body,
                responses: [200: Reply.json("Application", "The application, changed.", headers: ["ETag"])],
                errors: [400, 403, 404, 409, 412, 422, 503]
            )
        }

        // MARK: Registry

        static var registry: [Operation] {
            let readers = "Roles: clerk, reviewer, office_manager"
            return [
                Operation(
                    method: "get",
                    path: "/api/v1/persons",
                    id: "searchPersons",
                    tag: "registry",
                    summary: "查询参保人员 / Search persons",
                    description: "By citizen ID or name (one is needed); ID and phone numbers masked. \(readers).",
                    access: .business(idempotent: false),
                    parameters: [
                        Parameter.query("citizenId", Schema.string(maxLength: 18), "The exact citizen ID."),
                        Parameter.query("name", Schema.string(), "A part of the name."),
                        Parameter.limit(default: 20, maximum: 100),
                        Parameter.cursor,
                    ],
                    responses: [200: Reply.json("PersonList", "A page of persons.")],
                    errors: [400, 403]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/persons/{id}",
                    id: "getPerson",
                    tag: "registry",
                    summary: "查看参保人员 / Get a person",
                    description: """
                        The record in full with enrolments, applications and documents; the reading is audited. \
                        \(readers); insured persons see their own.
                        """,
                    access: .business(idempotent: false),
                    parameters: [Parameter.id("The person.")],
                    responses: [200: Reply.json("Person", "The person.")],
                    errors: [403, 404]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/employers",
                    id: "searchEmployers",
                    tag: "registry",
                    summary: "查询参保单位 / Search employers",
                    description: "By credit code or name (one is needed); phone numbers masked. \(readers).",
                    access: .business(idempotent: false),
                    parameters: [
                        Parameter.query("creditCode", Schema.string(maxLength: 18), "The exact credit code."),
                        Parameter.query("name", Schema.string(), "A part of the name."),
                        Parameter.limit(default: 20, maximum: 100),
                        Parameter.cursor,
                    ],
                    responses: [200: Reply.json("EmployerList", "A page of employers.")],
                    errors: [400, 403]
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/employers/{id}",
                    id: "getEmployer",
                    tag: "registry",
                    summary: "查看参保单位 / Get an employer",
                    description: "The record in full; the reading is audited. \(readers).",
                    access: .business(idempotent: false),
                    parameters: [Parameter.id("The employer.")],
                    responses: [200: Reply.json("Employer", "The employer.")],
                    errors: [403, 404]
                ),
                Self.upload(
                    owner: "persons",
                    id: "uploadPersonDocument",
                    summary: "上传参保人员材料 / Upload a person's document",
                    description: "A scan kept with the person's record."
                ),
                Self.upload(
                    owner: "applications",
                    id: "uploadApplicationDocument",
                    summary: "上传业务申请材料 / Upload an application's document",
                    description: "A scan kept with a draft or returned application (409 otherwise)."
                ),
                Operation(
                    method: "get",
                    path: "/api/v1/documents/{id}",
                    id: "getDocument",
                    tag: "documents",
                    summary: "查看材料 / Get a document",
                    description:
                        "The scan's bytes, as stored; the reading is audited. \(readers); persons see their own.",
                    access: .business(idempotent: false),
                    parameters: [Parameter.id("The document.")],
                    responses: [
                        200: Reply.media(
                            ["image/jpeg", "image/png", "application/pdf"],
                            ["type": "string", "description": "The file's bytes."],
                            "The file."
                        )
                    ],
                    errors: [403, 404]
                ),
            ]
        }

        /// `POST /api/v1/<owner>/{id}/documents`.
        static func upload(owner: String, id: String, summary: String, description: String) -> Operation {
            Operation(
                method: "post",
                path: "/api/v1/\(owner)/{id}/documents",
                id: id,
                tag: "documents",
                summary: summary,
                description: description
                    + " JPEG, PNG or PDF, recognised by the bytes (415 otherwise), at most 5 MiB (413). Role: clerk.",
                access: .business(idempotent: true),
                parameters: [
                    Parameter.id(owner == "persons" ? "The person." : "The application."),
                    Parameter.query("type", Schema.ref("DocumentType"), "What the scan is.", required: true),
                ],
                requestBody: Body.upload,
                responses: [201: Reply.json("Document", "Stored.", headers: ["Location"])],
                errors: [400, 403, 404, 409, 415, 422, 503]
            )
        }

        // MARK: Vouchers

        static var vouchers: [Operation] {
            let number = Parameter.path(
                "number",
                Schema.string(example: "320102001-20261130-000017"),
                "The voucher number."
            )
            return [
                Operation(
                    method: "get",
                    path: "/api/v1/vouchers/{number}",
                    id: "getVoucher",
                    tag: "vouchers",
                    summary: "查看办理凭证 / Get a voucher",
                    description: """
                        JSON, or with `Accept: text/html` the printable A4 page. Roles: clerk, reviewer, \
                        office_manager; insured persons see their own. The reading is audited.
                        """,
                    access: .business(idempotent: false),
                    parameters: [number],
                    responses: [
                        200: [
                            "description": "The voucher.",
                            "content": [
                                "application/json": ["schema": Schema.ref("Voucher")],
                                "text/html": ["schema": ["type": "string"]],
                            ],
                        ]
                    ],
                    errors: [403, 404]
                ),
                Operation(
                    method: "get",
                    path: "/verify/{number}",
                    id: "verifyVoucher",
                    tag: "vouchers",
                    summary: "验证办理凭证 / Verify a voucher",
                    description: """
                        Public: confirms that a voucher is authentic, showing masked data only. JSON, or HTML with \
                        `Accept: text/html`. A wrong number or code is a 404 with `valid: false`.
                        """,
                    access: .open,
                    parameters: [
                        number,
                        Parameter.query(
                            "code",
                            Schema.string(
                                "\(VoucherCode.length) base32 characters; case, spaces and hyphens do not matter."
                            ),
                            "The verification code printed on the voucher.",
                            required: true
                        ),
                    ],
                    responses: [
                        200: Self.verification("Authentic."),
                        404: Self.verification("No such voucher, or the code does not match."),
                    ]
                ),
            ]
        }

        static func verification(_ description: String) -> JSONValue {
            [
                "description": .string(description),
                "headers": ["Cache-Control": Components.header("Cache-Control")],
                "content": [
                    "application/json": ["schema": Schema.ref("VerificationResult")],
                    "text/html": ["schema": ["type": "string"]],
                ],
            ]
        }
    }
}
