import HTTP1

/// The OpenAPI 3.1 description of the whole HTTP API, served at `GET /api/v1/openapi.json`.
///
/// It is written from the operations the routes are registered with (``APIRouter``), over shared
/// schemas, parameters and answers (``OpenAPI/Schemas``, ``OpenAPI/Components``). The benchmark
/// routes (`/plaintext`, `/json`, `/db`) are not part of the API and not described.
public enum OpenAPIDocument {
    static let version = "3.1.0"

    /// The operation of the document itself.
    static let operation = OpenAPI.Operation(
        method: .get,
        path: "/api/v1/openapi.json",
        id: "getOpenAPIDocument",
        tag: "system",
        summary: "接口说明 / This API description",
        description: "This document: OpenAPI 3.1.",
        access: .open,
        responses: [200: OpenAPI.Reply.media(["application/json"], ["type": "object"], "The OpenAPI document.")]
    )

    /// The document of `operations` as UTF-8 JSON.
    static func encoded(_ operations: [OpenAPI.Operation]) -> [UInt8] {
        do {
            return try Self.document(operations).encoded()
        } catch {
            preconditionFailure("the API description does not encode as JSON: \(error)")
        }
    }

    static func document(_ operations: [OpenAPI.Operation]) -> OpenAPI.JSONValue {
        var paths: [String: [String: OpenAPI.JSONValue]] = [:]
        for operation in operations {
            let method = operation.method.rawValue.lowercased()
            precondition(paths[operation.path]?[method] == nil, "\(method) \(operation.path) is described twice")
            paths[operation.path, default: [:]][method] = operation.json
        }
        return [
            "openapi": .string(Self.version),
            "info": Self.info,
            "servers": [["url": "/"]],
            "tags": .array(
                Self.tags.map { ["name": .string($0.name), "description": .string($0.description)] }
            ),
            "paths": .object(paths.mapValues(OpenAPI.JSONValue.object)),
            "components": [
                "securitySchemes": .object(OpenAPI.Components.securitySchemes),
                "schemas": .object(OpenAPI.Schemas.all),
                "parameters": .object(OpenAPI.Components.parameters),
                "headers": .object(OpenAPI.Components.headers),
                "responses": .object(OpenAPI.Components.responses),
            ],
        ]
    }

    static let info: OpenAPI.JSONValue = [
        "title": "Shebao 社会保险业务经办系统 API",
        "version": "1.0.0",
        "description": """
        社会保险业务经办系统的 HTTP 接口：经办人员与参保人员登录，参保登记、信息变更、险种参保与停保、\
        缴费基数申报、关系转移等业务的申请、预检、提交与复核，办理凭证的查看与公开验证，待遇发放批次的计算、审批、\
        银行文件与回盘，以及审计与系统管理。

        约定：JSON 使用 camelCase 与 UTF-8；错误为 RFC 9457 `application/problem+json`，数据校验错误在 \
        `errors: [{field, code, message}]` 中逐项列出；提示语默认为简体中文，`Accept-Language: en` 时为英文。\
        业务 POST 可带 `Idempotency-Key`，重试时返回首次的应答而不重复办理；修改带 `If-Match`（取自 `ETag`），\
        版本过期时返回 412。列表按键集分页（`limit`、`cursor`，应答中的 `next` 为下一页链接），\
        并对身份证号与手机号脱敏。GET 路由同样响应 HEAD。

        The HTTP API of the social insurance business-handling system: log-in of operators and insured \
        persons; applications for registration, changes, enrolment and its end, contribution base \
        declarations and transfers, with preview, submission and maker-checker review; vouchers and their \
        public verification; disbursement runs, their approval, bank files and the bank's answers; audit and \
        administration.

        Conventions: JSON in camelCase, UTF-8. Errors are RFC 9457 `application/problem+json`; validation \
        failures list each field in `errors: [{field, code, message}]`. Messages are in Chinese unless \
        `Accept-Language` prefers English (`en`). Business POSTs take an `Idempotency-Key`: a retry returns \
        the first answer and does nothing twice. Changes take `If-Match` with the `ETag` read; a stale one \
        gets 412. Lists are keyset-paginated (`limit`, `cursor`, and a `next` link) and mask ID and phone \
        numbers. Money is integer fen; periods are `YYYYMM`. Every GET route also answers HEAD. Any route \
        may answer 500 (without internals) or 503 with Retry-After when the worker is overloaded.
        """,
    ]

    static let tags: [(name: String, description: String)] = [
        ("auth", "登录与会话 / Log-in and sessions"),
        ("applications", "业务申请与复核 / Applications and their review"),
        ("registry", "参保人员与参保单位 / Persons and employers"),
        ("documents", "材料 / Scanned documents"),
        ("vouchers", "办理凭证 / Vouchers"),
        ("benefits", "待遇 / Benefits"),
        ("disbursement", "待遇发放 / Disbursement runs, their bank files and the bank's answers"),
        ("audit", "审计 / Audit"),
        ("admin", "系统管理 / Administration"),
        ("system", "运行状态 / Operations"),
    ]
}

/// The pieces the description is built of, in a namespace of their own so that their short
/// names (`Schema`, `Body`, `Parameter` …) meet no other type of the module.
enum OpenAPI {}
