import Business
import Foundation
import HTTP1
import HTTPServer
import Postgres
import Security
import Store

/// Office and operator administration, for system administrators and within their offices
/// (row-level security scopes every statement): create offices below one's own, create
/// operators with a one-time password, assign and revoke roles (incompatible pairs are refused
/// by the database), disable, reset a password or a second factor. Each change is audited in
/// its own transaction and runs through ``BusinessService``: answers in the client's language,
/// and an `Idempotency-Key` is honoured (the two answers that carry a one-time password are not
/// kept: their retry is refused instead, and creates nothing twice).
public enum AdminRoutes {
    struct NewOperator: Decodable {
        var username: String
        var displayName: String
        var officeId: Int64
        var roles: [String]?
    }

    struct NewOffice: Decodable {
        var parentId: Int64
        var code: String
        var name: String
        var level: String
    }

    struct RoleBody: Decodable {
        var role: String
    }

    static let administrators: Access = .operators(["administrator"])

    /// Every role an operator may hold (`shebao.role_assignment.role`).
    static let roles = [
        "administrator", "auditor", "clerk", "reviewer", "disbursement_officer", "disbursement_approver",
        "office_manager",
    ]

    /// An administration operation: for administrators, idempotent with an `Idempotency-Key`
    /// unless `idempotent` is false.
    static func operation(
        _ method: HTTPMethod,
        _ path: String,
        id: String,
        summary: String,
        description: String,
        parameters: [OpenAPI.Parameter] = [],
        body: String? = nil,
        responses: [Int: OpenAPI.JSONValue],
        idempotent: Bool = true
    ) -> OpenAPI.Operation {
        OpenAPI.Operation(
            method: method,
            path: path,
            id: id,
            tag: "admin",
            summary: summary,
            description: "Within the administrator's offices; audited. " + description,
            access: .business(Self.administrators, idempotent: idempotent),
            parameters: parameters,
            requestBody: body.map { .json($0) },
            responses: responses,
            maxBodyBytes: body == nil ? nil : 4096
        )
    }

    public static func register(on api: inout APIRouter, service: BusinessService) {
        let authenticator = service.authenticator
        let operatorID = OpenAPI.Parameter.id("The operator.")
        api.add(
            Self.operation(
                .post,
                "/api/v1/admin/operators",
                id: "createOperator",
                summary: "新增经办人员 / Create an operator",
                description: """
                    The one-time password is shown this once: a retry with the same Idempotency-Key is refused \
                    (409) rather than shown it again.
                    """,
                body: "NewOperator",
                responses: [201: OpenAPI.Reply.json("NewOperatorResult", "Created.")]
            )
        ) { request, input in
            let body = try input.body(NewOperator.self)
            // Hashed before the transaction, so that no connection is held through scrypt; and
            // only for an administrator, so that no one else can spend the server's hashing.
            try service.authorize(request, access: Self.administrators)
            let password = try PasswordPolicy.temporaryPassword()
            let hash = try authenticator.hash(password)
            return try Self.administer(request, service, "operator.create", keepsAnswer: false) { call in
                let id = try OperatorAdministration.create(
                    office: body.officeId,
                    username: body.username,
                    displayName: body.displayName,
                    passwordHash: hash.encoded,
                    roles: body.roles ?? [],
                    on: call.connection
                )
                try call.audit(
                    "operator.create",
                    target: ("operator", id),
                    office: body.officeId,
                    after: try PostgresJSON(encoding: [
                        "username": body.username, "roles": (body.roles ?? []).joined(separator: ","),
                    ])
                )
                var writer = JSONWriter(capacity: 128)
                writer.beginObject()
                writer.key("id")
                writer.number(id)
                writer.key("oneTimePassword")
                writer.string(password)
                writer.endObject()
                return .json(writer.bytes, status: 201)
            }
        }

        api.add(
            Self.operation(
                .post,
                "/api/v1/admin/offices",
                id: "createOffice",
                summary: "新增经办机构 / Create an office",
                description: "The new office is below `parentId`.",
                body: "NewOffice",
                responses: [201: OpenAPI.Reply.json("Created", "Created.")]
            )
        ) { request, input in
            let body = try input.body(NewOffice.self)
            return try Self.administer(request, service, "office.create") { call in
                let id = try OperatorAdministration.createOffice(
                    below: body.parentId,
                    code: body.code,
                    level: body.level,
                    name: body.name,
                    on: call.connection
                )
                try call.audit(
                    "office.create",
                    target: ("office", id),
                    // The new office joins the scope only in the next transaction: record it under its parent.
                    office: body.parentId,
                    after: try PostgresJSON(encoding: ["code": body.code, "name": body.name, "level": body.level])
                )
                var writer = JSONWriter(capacity: 32)
                writer.beginObject()
                writer.key("id")
                writer.number(id)
                writer.endObject()
                return .json(writer.bytes, status: 201)
            }
        }

        api.add(
            Self.operation(
                .post,
                "/api/v1/admin/operators/{id}/roles",
                id: "assignRole",
                summary: "分配角色 / Assign a role",
                description: "Incompatible roles (maker and checker) are a 409.",
                parameters: [operatorID],
                body: "RoleAssignment",
                responses: [201: OpenAPI.Reply.empty("Assigned.")]
            )
        ) { request, input in
            let id = input.integer(required: "id")
            let body = try input.body(RoleBody.self)
            return try Self.administer(request, service, "operator.role_assign") { call in
                let office = try Self.office(of: id, on: call.connection)
                try OperatorAdministration.assign(body.role, to: id, office: office, on: call.connection)
                try call.audit(
                    "operator.role_assign",
                    target: ("operator", id),
                    office: office,
                    after: try PostgresJSON(encoding: ["role": body.role])
                )
                return HTTPResponse(status: 201)
            }
        }

        api.add(
            Self.operation(
                .delete,
                "/api/v1/admin/operators/{id}/roles/{role}",
                id: "revokeRole",
                summary: "撤销角色 / Revoke a role",
                description: "404 when the operator does not hold the role.",
                parameters: [operatorID, .path("role", OpenAPI.Schema.ref("Role"), "The role.")],
                responses: [204: OpenAPI.Reply.empty("Revoked.")],
                idempotent: false
            )
        ) { request, input in
            let id = input.integer(required: "id")
            let role = input.string("role") ?? ""
            return try Self.administer(request, service, "operator.role_revoke") { call in
                let office = try Self.office(of: id, on: call.connection)
                guard try OperatorAdministration.revoke(role, from: id, on: call.connection) else {
                    throw HTTPError(404, "the operator does not hold that role", zh: "该经办人员未持有此角色")
                }
                try call.audit(
                    "operator.role_revoke",
                    target: ("operator", id),
                    office: office,
                    after: try PostgresJSON(encoding: ["role": role])
                )
                return HTTPResponse(status: 204)
            }
        }

        api.add(
            Self.operation(
                .post,
                "/api/v1/admin/operators/{id}/disable",
                id: "disableOperator",
                summary: "停用经办人员 / Disable an operator",
                description: "Administrators cannot disable themselves (409).",
                parameters: [operatorID],
                responses: [204: OpenAPI.Reply.empty("Disabled.")]
            )
        ) { request, input in
            let id = input.integer(required: "id")
            return try Self.administer(request, service, "operator.disable") { call in
                guard id != call.principal.operatorID else {
                    throw HTTPError(409, "administrators cannot disable themselves", zh: "管理员不能停用自己的账号")
                }
                let office = try Self.office(of: id, on: call.connection)
                try OperatorAdministration.disable(id, on: call.connection)
                try call.audit("operator.disable", target: ("operator", id), office: office)
                return HTTPResponse(status: 204)
            }
        }

        api.add(
            Self.operation(
                .post,
                "/api/v1/admin/operators/{id}/reset-password",
                id: "resetOperatorPassword",
                summary: "重置密码 / Reset an operator's password",
                description: """
                    A new one-time password, to be changed at the next log-in; shown this once (a retry with the \
                    same Idempotency-Key is refused with 409).
                    """,
                parameters: [operatorID],
                responses: [200: OpenAPI.Reply.json("OneTimePassword", "The new one-time password, shown this once.")]
            )
        ) { request, input in
            let id = input.integer(required: "id")
            try service.authorize(request, access: Self.administrators)
            let password = try PasswordPolicy.temporaryPassword()
            let hash = try authenticator.hash(password)
            return try Self.administer(request, service, "operator.password_reset", keepsAnswer: false) { call in
                let office = try Self.office(of: id, on: call.connection)
                try OperatorAdministration.resetPassword(id, to: hash.encoded, on: call.connection)
                try call.audit("operator.password_reset", target: ("operator", id), office: office)
                var writer = JSONWriter(capacity: 64)
                writer.beginObject()
                writer.key("oneTimePassword")
                writer.string(password)
                writer.endObject()
                return .json(writer.bytes)
            }
        }

        api.add(
            Self.operation(
                .post,
                "/api/v1/admin/operators/{id}/reset-totp",
                id: "resetOperatorSecondFactor",
                summary: "重置动态口令 / Reset an operator's second factor",
                description: "The operator enrols a second factor again at the next log-in.",
                parameters: [operatorID],
                responses: [204: OpenAPI.Reply.empty("Reset: the operator enrols again.")]
            )
        ) { request, input in
            let id = input.integer(required: "id")
            return try Self.administer(request, service, "operator.totp_reset") { call in
                let office = try Self.office(of: id, on: call.connection)
                try OperatorAdministration.resetSecondFactor(id, on: call.connection)
                try call.audit("operator.totp_reset", target: ("operator", id), office: office)
                return HTTPResponse(status: 204)
            }
        }
    }

    /// Runs `body` in the administrator's session; the database's refusals become answers.
    private static func administer(
        _ request: HTTPRequest,
        _ service: BusinessService,
        _ action: String,
        keepsAnswer: Bool = true,
        _ body: (BusinessCall) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        try service.run(request, access: Self.administrators, action: action, keepsAnswer: keepsAnswer) { call in
            do {
                return try body(call)
            } catch let error as PostgresError {
                throw Self.answer(error) ?? error
            }
        }
    }

    private static func answer(_ error: PostgresError) -> HTTPError? {
        switch (error.sqlState?.rawValue, error.constraint) {
        case ("23514", "role_conflict"):
            return HTTPError(409, error.message ?? "incompatible roles", zh: "角色不相容（不相容岗位须分离）")
        case ("23514", _), ("22P02", _), ("23503", _):
            return HTTPError(
                422,
                "invalid value: \(error.constraint ?? "check")",
                zh: "数据不符合规则：\(error.constraint ?? "check")"
            )
        case ("23505", _):
            return HTTPError(409, "the user name is taken, or the role is held already", zh: "用户名已被占用，或已持有该角色")
        case ("42501", _):
            return HTTPError(403, "that office is outside yours", zh: "该经办机构不在您的管辖范围内")
        default:
            return nil
        }
    }

    /// The operator's office; 404 when the operator is not in the administrator's offices.
    private static func office(of id: Int64, on connection: PostgresConnection) throws -> Int64 {
        guard let office = try OperatorAdministration.officeOfOperator(id, on: connection) else {
            throw HTTPError(404, "no such operator in your offices", zh: "您的经办机构中没有该经办人员")
        }
        return office
    }

}
