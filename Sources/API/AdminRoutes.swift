import Foundation
import HTTP1
public import HTTPServer
import Postgres
import Security
import Store

/// Office and operator administration, for system administrators and within their offices
/// (row-level security scopes every statement): create offices below one's own, create
/// operators with a one-time password, assign and
/// revoke roles (incompatible pairs are refused by the database), disable, reset a password or
/// a second factor. Every change is audited in its own transaction.
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

    public static func register(on router: inout Router, authenticator: Authenticator) {
        router.addLocalized(.post, "/api/v1/admin/operators") { request in
            let body = try JSONBody.decode(NewOperator.self, from: request.body, maxBytes: 4096)
            guard body.username.wholeMatch(of: /[a-z0-9][a-z0-9._-]{2,39}/) != nil else {
                throw Self.invalid("username", "3–40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit")
            }
            guard (1...100).contains(body.displayName.count) else {
                throw Self.invalid("displayName", "1–100 characters")
            }
            let password = try PasswordPolicy.temporaryPassword()
            let hash = try authenticator.hash(password)
            let id = try Self.administer(request, authenticator) { connection, principal in
                let id = try OperatorAdministration.create(
                    office: body.officeId,
                    username: body.username,
                    displayName: body.displayName,
                    passwordHash: hash.encoded,
                    roles: body.roles ?? [],
                    on: connection
                )
                try Authenticator.audit(
                    on: connection,
                    principal,
                    request,
                    action: "operator.create",
                    target: ("operator", id),
                    office: body.officeId,
                    after: ["username": body.username, "roles": (body.roles ?? []).joined(separator: ",")]
                )
                return id
            }
            var writer = JSONWriter(capacity: 128)
            writer.beginObject()
            writer.key("id")
            writer.number(id)
            writer.key("oneTimePassword")
            writer.string(password)
            writer.endObject()
            return .json(writer.bytes, status: 201)
        }

        router.addLocalized(.post, "/api/v1/admin/offices") { request in
            let body = try JSONBody.decode(NewOffice.self, from: request.body, maxBytes: 2048)
            guard body.code.wholeMatch(of: /[1-9][0-9]{5}([0-9]{3})?/) != nil else {
                throw Self.invalid("code", "a six-digit region code (GB/T 2260), or nine digits for a service point")
            }
            guard ["city", "district", "service_point"].contains(body.level) else {
                throw Self.invalid("level", "city, district or service_point (the province is the root)")
            }
            guard (1...100).contains(body.name.count) else {
                throw Self.invalid("name", "1–100 characters")
            }
            let id = try Self.administer(request, authenticator) { connection, principal in
                let id = try connection.query(
                    """
                    INSERT INTO shebao.office (parent_id, code, region_code, level, name)
                    VALUES ($1, $2, left($2, 6), $3, $4) RETURNING id
                    """,
                    [body.parentId, body.code, body.level, body.name]
                ).single().decode(0, as: Int64.self)
                try Authenticator.audit(
                    on: connection,
                    principal,
                    request,
                    action: "office.create",
                    target: ("office", id),
                    // The new office joins the scope only in the next transaction: record it under its parent.
                    office: body.parentId,
                    after: ["code": body.code, "name": body.name, "level": body.level]
                )
                return id
            }
            var writer = JSONWriter(capacity: 32)
            writer.beginObject()
            writer.key("id")
            writer.number(id)
            writer.endObject()
            return .json(writer.bytes, status: 201)
        }

        router.addLocalized(.post, "/api/v1/admin/operators/:id/roles") { request in
            let id = try Self.operatorID(request)
            let body = try JSONBody.decode(RoleBody.self, from: request.body, maxBytes: 1024)
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                try OperatorAdministration.assign(body.role, to: id, office: office, on: connection)
                try Authenticator.audit(
                    on: connection,
                    principal,
                    request,
                    action: "operator.role_assign",
                    target: ("operator", id),
                    office: office,
                    after: ["role": body.role]
                )
            }
            return HTTPResponse(status: 201)
        }

        router.addLocalized(.delete, "/api/v1/admin/operators/:id/roles/:role") { request in
            let id = try Self.operatorID(request)
            let role = request.parameters["role"] ?? ""
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                guard try OperatorAdministration.revoke(role, from: id, on: connection) else {
                    throw HTTPError(404, "the operator does not hold that role", zh: "该经办人员未持有此角色")
                }
                try Authenticator.audit(
                    on: connection,
                    principal,
                    request,
                    action: "operator.role_revoke",
                    target: ("operator", id),
                    office: office,
                    after: ["role": role]
                )
            }
            return HTTPResponse(status: 204)
        }

        router.addLocalized(.post, "/api/v1/admin/operators/:id/disable") { request in
            let id = try Self.operatorID(request)
            try Self.administer(request, authenticator) { connection, principal in
                guard id != principal.operatorID else {
                    throw HTTPError(409, "administrators cannot disable themselves", zh: "管理员不能停用自己的账号")
                }
                let office = try Self.office(of: id, on: connection)
                try OperatorAdministration.disable(id, on: connection)
                try Self.audit(connection, principal, request, "operator.disable", id, office: office)
            }
            return HTTPResponse(status: 204)
        }

        router.addLocalized(.post, "/api/v1/admin/operators/:id/reset-password") { request in
            let id = try Self.operatorID(request)
            let password = try PasswordPolicy.temporaryPassword()
            let hash = try authenticator.hash(password)
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                try OperatorAdministration.resetPassword(id, to: hash.encoded, on: connection)
                try Self.audit(connection, principal, request, "operator.password_reset", id, office: office)
            }
            var writer = JSONWriter(capacity: 64)
            writer.beginObject()
            writer.key("oneTimePassword")
            writer.string(password)
            writer.endObject()
            return .json(writer.bytes)
        }

        router.addLocalized(.post, "/api/v1/admin/operators/:id/reset-totp") { request in
            let id = try Self.operatorID(request)
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                try OperatorAdministration.resetSecondFactor(id, on: connection)
                try Self.audit(connection, principal, request, "operator.totp_reset", id, office: office)
            }
            return HTTPResponse(status: 204)
        }
    }

    /// Runs `body` in the administrator's session; the database's refusals become answers.
    @discardableResult
    private static func administer<R>(
        _ request: HTTPRequest,
        _ authenticator: Authenticator,
        _ body: (PostgresConnection, SessionPrincipal) throws -> R
    ) throws -> R {
        do {
            return try authenticator.withSession(request) { connection, principal in
                guard principal.roles.contains("administrator") else {
                    throw HTTPError(403, "operator administration is for system administrators", zh: "经办人员管理仅限系统管理员")
                }
                return try body(connection, principal)
            }
        } catch let error as PostgresError {
            switch (error.sqlState?.rawValue, error.constraint) {
            case ("23514", "role_conflict"):
                throw HTTPError(409, error.message ?? "incompatible roles", zh: "角色不相容（不相容岗位须分离）")
            case ("23514", _), ("22P02", _), ("23503", _):
                throw HTTPError(
                    422,
                    "invalid value: \(error.constraint ?? "check")",
                    zh: "数据不符合规则：\(error.constraint ?? "check")"
                )
            case ("23505", _):
                throw HTTPError(409, "the user name is taken, or the role is held already", zh: "用户名已被占用，或已持有该角色")
            case ("42501", _):
                throw HTTPError(403, "that office is outside yours", zh: "该经办机构不在您的管辖范围内")
            default:
                throw error
            }
        }
    }

    private static func operatorID(_ request: HTTPRequest) throws -> Int64 {
        guard let text = request.parameters["id"], let id = Int64(text), id > 0,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            throw HTTPError(404, "no such operator", zh: "未找到该经办人员")
        }
        return id
    }

    /// The operator's office; 404 when the operator is not in the administrator's offices.
    private static func office(of id: Int64, on connection: PostgresConnection) throws -> Int64 {
        guard
            let row = try connection.query("SELECT office_id FROM shebao.operator WHERE id = $1 FOR UPDATE", [id])
                .first
        else {
            throw HTTPError(404, "no such operator in your offices", zh: "您的经办机构中没有该经办人员")
        }
        return try row.decode(0, as: Int64.self)
    }

    /// Audits a change to operator `id`.
    private static func audit(
        _ connection: PostgresConnection,
        _ principal: SessionPrincipal,
        _ request: HTTPRequest,
        _ action: String,
        _ id: Int64,
        office: Int64
    ) throws {
        try Authenticator.audit(
            on: connection,
            principal,
            request,
            action: action,
            target: ("operator", id),
            office: office
        )
    }

    private static func invalid(_ field: String, _ message: String) -> HTTPError {
        HTTPError(422, "\(field): \(message)", zh: "字段 \(field) 不符合要求：\(message)")
    }
}
