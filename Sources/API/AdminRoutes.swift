import Foundation
import HTTP1
public import HTTPServer
import Postgres
import Security

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
        router.add(.post, "/api/v1/admin/operators") { request in
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
                let id = try connection.query(
                    """
                    INSERT INTO shebao.operator (office_id, username, display_name, password_hash, must_change_password)
                    VALUES ($1, $2, $3, $4, true) RETURNING id
                    """,
                    [body.officeId, body.username, body.displayName, hash.encoded]
                ).single().decode(0, as: Int64.self)
                try connection.query(
                    "INSERT INTO shebao.operator_password_history (office_id, operator_id, password_hash) VALUES ($1, $2, $3)",
                    [body.officeId, id, hash.encoded]
                )
                for role in body.roles ?? [] {
                    try Self.assign(role, to: id, office: body.officeId, on: connection)
                }
                try Self.audit(
                    connection,
                    principal,
                    request,
                    action: "operator.create",
                    target: id,
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

        router.add(.post, "/api/v1/admin/offices") { request in
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
                try Self.audit(
                    connection,
                    principal,
                    request,
                    action: "office.create",
                    target: id,
                    targetType: "office",
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

        router.add(.post, "/api/v1/admin/operators/:id/roles") { request in
            let id = try Self.operatorID(request)
            let body = try JSONBody.decode(RoleBody.self, from: request.body, maxBytes: 1024)
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                try Self.assign(body.role, to: id, office: office, on: connection)
                try Self.audit(
                    connection,
                    principal,
                    request,
                    action: "operator.role_assign",
                    target: id,
                    office: office,
                    after: ["role": body.role]
                )
            }
            return HTTPResponse(status: 201)
        }

        router.add(.delete, "/api/v1/admin/operators/:id/roles/:role") { request in
            let id = try Self.operatorID(request)
            let role = request.parameters["role"] ?? ""
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                let revoked = try connection.query(
                    "UPDATE shebao.role_assignment SET revoked_at = now() WHERE operator_id = $1 AND role = $2 AND revoked_at IS NULL",
                    [id, role]
                ).affectedRows
                guard revoked == 1 else { throw HTTPError(404, "the operator does not hold that role") }
                try Self.audit(
                    connection,
                    principal,
                    request,
                    action: "operator.role_revoke",
                    target: id,
                    office: office,
                    after: ["role": role]
                )
            }
            return HTTPResponse(status: 204)
        }

        router.add(.post, "/api/v1/admin/operators/:id/disable") { request in
            let id = try Self.operatorID(request)
            try Self.administer(request, authenticator) { connection, principal in
                guard id != principal.operatorID else {
                    throw HTTPError(409, "administrators cannot disable themselves")
                }
                let office = try Self.office(of: id, on: connection)
                try connection.query(
                    "UPDATE shebao.operator SET disabled_at = coalesce(disabled_at, now()) WHERE id = $1",
                    [id]
                )
                try Self.endSessions(
                    of: id,
                    on: connection,
                    audited: "operator.disable",
                    by: principal,
                    request,
                    office: office
                )
            }
            return HTTPResponse(status: 204)
        }

        router.add(.post, "/api/v1/admin/operators/:id/reset-password") { request in
            let id = try Self.operatorID(request)
            let password = try PasswordPolicy.temporaryPassword()
            let hash = try authenticator.hash(password)
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                try connection.query(
                    """
                    UPDATE shebao.operator SET password_hash = $2, password_changed_at = now(), \
                    must_change_password = true, failed_logins = 0, locked_until = NULL WHERE id = $1
                    """,
                    [id, hash.encoded]
                )
                try Self.endSessions(
                    of: id,
                    on: connection,
                    audited: "operator.password_reset",
                    by: principal,
                    request,
                    office: office
                )
            }
            var writer = JSONWriter(capacity: 64)
            writer.beginObject()
            writer.key("oneTimePassword")
            writer.string(password)
            writer.endObject()
            return .json(writer.bytes)
        }

        router.add(.post, "/api/v1/admin/operators/:id/reset-totp") { request in
            let id = try Self.operatorID(request)
            try Self.administer(request, authenticator) { connection, principal in
                let office = try Self.office(of: id, on: connection)
                try connection.query(
                    """
                    UPDATE shebao.operator SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL \
                    WHERE id = $1
                    """,
                    [id]
                )
                try connection.query("DELETE FROM shebao.operator_recovery_code WHERE operator_id = $1", [id])
                try Self.endSessions(
                    of: id,
                    on: connection,
                    audited: "operator.totp_reset",
                    by: principal,
                    request,
                    office: office
                )
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
                    throw HTTPError(403, "operator administration is for system administrators")
                }
                return try body(connection, principal)
            }
        } catch let error as PostgresError {
            switch (error.sqlState?.rawValue, error.constraint) {
            case ("23514", "role_conflict"):
                throw HTTPError(409, error.message ?? "incompatible roles")
            case ("23514", _), ("22P02", _), ("23503", _):
                throw HTTPError(422, "invalid value: \(error.constraint ?? "check")")
            case ("23505", _):
                throw HTTPError(409, "the user name is taken, or the role is held already")
            case ("42501", _):
                throw HTTPError(403, "that office is outside yours")
            default:
                throw error
            }
        }
    }

    private static func operatorID(_ request: HTTPRequest) throws -> Int64 {
        guard let text = request.parameters["id"], let id = Int64(text), id > 0,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            throw HTTPError(404, "no such operator")
        }
        return id
    }

    /// The operator's office; 404 when the operator is not in the administrator's offices.
    private static func office(of id: Int64, on connection: PostgresConnection) throws -> Int64 {
        guard
            let row = try connection.query("SELECT office_id FROM shebao.operator WHERE id = $1 FOR UPDATE", [id])
                .first
        else {
            throw HTTPError(404, "no such operator in your offices")
        }
        return try row.decode(0, as: Int64.self)
    }

    private static func assign(_ role: String, to id: Int64, office: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "INSERT INTO shebao.role_assignment (office_id, operator_id, role) VALUES ($1, $2, $3)",
            [office, id, role]
        )
    }

    /// Ends the operator's sessions and audits the change that called for it.
    private static func endSessions(
        of id: Int64,
        on connection: PostgresConnection,
        audited action: String,
        by principal: SessionPrincipal,
        _ request: HTTPRequest,
        office: Int64
    ) throws {
        try connection.query(
            "UPDATE shebao.session SET revoked_at = now() WHERE operator_id = $1 AND revoked_at IS NULL",
            [id]
        )
        try Self.audit(connection, principal, request, action: action, target: id, office: office)
    }

    private static func audit(
        _ connection: PostgresConnection,
        _ principal: SessionPrincipal,
        _ request: HTTPRequest,
        action: String,
        target: Int64,
        targetType: String = "operator",
        office: Int64,
        after: [String: String]? = nil
    ) throws {
        let details = try after.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try connection.query(
            """
            INSERT INTO shebao.audit_event (office_id, actor_kind, actor_id, action, target_type, target_id, \
            request_id, client_address, outcome, after) VALUES ($1, 'operator', $2, $3, $8, $4, $5, $6::inet, \
            'success', $7::jsonb)
            """,
            [
                office, principal.operatorID, action, "\(target)", request.requestID, request.remoteAddress, details,
                targetType,
            ]
        )
    }

    private static func invalid(_ field: String, _ message: String) -> HTTPError {
        HTTPError(422, "\(field): \(message)")
    }
}
