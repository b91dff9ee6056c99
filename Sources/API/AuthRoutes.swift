import Foundation
import HTTP1
public import HTTPServer
import Store

/// `POST /api/v1/auth/login`, `POST /api/v1/auth/logout` and `GET /api/v1/auth/me`.
public enum AuthRoutes {
    struct LoginBody: Decodable {
        var username: String
        var password: String
        /// The TOTP code, for accounts with a second factor.
        var code: String?
    }

    public static func register(on router: inout Router, authenticator: Authenticator) {
        router.add(.post, "/api/v1/auth/login") { request in
            let body = try JSONBody.decode(LoginBody.self, from: request.body, maxBytes: 4096)
            guard body.username.utf8.count <= 200, body.password.utf8.count <= 1024,
                (body.code?.utf8.count ?? 0) <= 32
            else {
                throw HTTPError(400, "username, password or code too long")
            }
            let outcome = try authenticator.login(
                username: body.username,
                password: body.password,
                code: body.code,
                address: request.remoteAddress,
                requestID: request.requestID
            )
            switch outcome {
            case .success(let token, let principal, let passwordExpired, let secondFactorMissing):
                var writer = JSONWriter(capacity: 512)
                writer.beginObject()
                writer.key("token")
                writer.string(token)
                writer.key("tokenType")
                writer.string("Bearer")
                writer.key("expiresAt")
                writer.string(principal.expiresAt.formatted(.iso8601))
                writer.key("operator")
                Self.write(principal, to: &writer)
                // What the operator must do before anything else (the client leads them there).
                writer.key("mustChangePassword")
                writer.bool(principal.mustChangePassword || passwordExpired)
                writer.key("secondFactorEnrolmentRequired")
                writer.bool(secondFactorMissing)
                writer.endObject()
                return .json(writer.bytes)
            case .refused:
                // One answer for an unknown name, a wrong password, a locked or disabled account.
                return .problem(
                    status: 401,
                    title: "Unauthorized",
                    detail: "wrong user name or password, or the account cannot log in now",
                    requestID: request.requestID
                )
            case .secondFactorRequired:
                return .problem(
                    status: 401,
                    title: "Unauthorized",
                    detail: "the code of the authenticator app is required",
                    requestID: request.requestID
                )
            case .throttled:
                return .problem(
                    status: 429,
                    title: "Too Many Requests",
                    detail: "too many failed log-ins from this address; try again later",
                    requestID: request.requestID,
                    headers: [("Retry-After", "\(authenticator.settings.addressFailureWindow.components.seconds)")]
                )
            }
        }

        router.add(.post, "/api/v1/auth/logout") { request in
            guard try authenticator.logout(request) else {
                throw Unauthenticated()
            }
            return HTTPResponse(status: 204)
        }

        router.add(.get, "/api/v1/auth/me") { request in
            try authenticator.withSession(request) { _, principal in
                var writer = JSONWriter(capacity: 256)
                Self.write(principal, to: &writer)
                return .json(writer.bytes)
            }
        }
    }

    private static func write(_ principal: SessionPrincipal, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("kind")
        writer.string(principal.kind.rawValue)
        if let id = principal.operatorID {
            writer.key("id")
            writer.number(id)
        }
        if let username = principal.username {
            writer.key("username")
            writer.string(username)
        }
        if let name = principal.displayName {
            writer.key("displayName")
            writer.string(name)
        }
        writer.key("officeId")
        writer.number(principal.officeID)
        writer.key("roles")
        writer.beginArray()
        for role in principal.roles {
            writer.string(role)
        }
        writer.endArray()
        writer.key("sessionExpiresAt")
        writer.string(principal.expiresAt.formatted(.iso8601))
        writer.endObject()
    }
}
