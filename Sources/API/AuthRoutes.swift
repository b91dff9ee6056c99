public import Business
import Domain
import Foundation
import HTTP1
import HTTPServer
import Security
import Store

/// `POST /api/v1/auth/login`, `POST /api/v1/auth/logout` and `GET /api/v1/auth/me`.
public enum AuthRoutes {
    struct LoginBody: Decodable {
        var username: String
        var password: String
        /// The TOTP code, for accounts with a second factor.
        var code: String?
    }

    struct CodeBody: Decodable {
        var code: String
    }

    struct PasswordBody: Decodable {
        /// Absent only for an insured person who has none yet.
        var currentPassword: String?
        var newPassword: String
    }

    struct PersonLoginBody: Decodable {
        var citizenId: String
        var password: String?
        var code: String?
    }

    struct PersonCodeBody: Decodable {
        var citizenId: String
    }

    public static func register(on api: inout APIRouter, authenticator: Authenticator) {
        api.add(Operations.login) { request, input in
            let body = try input.body(LoginBody.self)
            let outcome = try authenticator.login(
                username: body.username,
                password: body.password,
                code: body.code,
                address: request.remoteAddress,
                requestID: request.requestID
            )
            return Self.answer(outcome, authenticator: authenticator, request: request)
        }

        api.add(Operations.personCode) { request, input in
            let body = try input.body(PersonCodeBody.self)
            try authenticator.sendPersonCode(citizenID: body.citizenId)
            // The same answer whether the number is known: it tells no one who is insured.
            let language = Localization.language(request)
            var writer = JSONWriter(capacity: 128)
            writer.beginObject()
            writer.key("status")
            writer.string(
                language == .en
                    ? "a code is sent to the registered phone, if there is one"
                    : "如该公民身份号码登记了手机号码，验证码已发送至该号码"
            )
            writer.endObject()
            return HTTPResponse(
                status: 202,
                headers: [("Content-Type", "application/json"), ("Content-Language", language.rawValue)],
                body: writer.bytes
            )
        }

        api.add(Operations.personLogin) { request, input in
            let body = try input.body(PersonLoginBody.self)
            let outcome = try authenticator.personLogin(
                citizenID: body.citizenId,
                password: body.password,
                code: body.code,
                address: request.remoteAddress,
                requestID: request.requestID
            )
            return Self.answer(outcome, authenticator: authenticator, request: request)
        }

        api.add(Operations.logout) { request, _ in
            guard try authenticator.logout(request) else {
                throw Unauthenticated()
            }
            return HTTPResponse(status: 204)
        }

        api.add(Operations.password) { request, input in
            let body = try input.body(PasswordBody.self)
            switch try authenticator.changePassword(request, current: body.currentPassword, new: body.newPassword) {
            case .changed:
                return HTTPResponse(status: 204)
            case .wrongCurrentPassword:
                throw BusinessError(403, zh: "当前密码不正确", en: "the current password is wrong")
            case .refused(let violations, let policy):
                let language = Localization.language(request)
                var writer = JSONWriter(capacity: 256)
                writer.beginObject()
                writer.key("type")
                writer.string("about:blank")
                writer.key("title")
                writer.string(StatusText.text(422, language))
                writer.key("status")
                writer.number(422)
                writer.key("detail")
                writer.string(language == .en ? "the new password does not meet the policy" : "新密码不符合密码策略")
                writer.key("errors")
                writer.beginArray()
                for violation in violations {
                    writer.beginObject()
                    writer.key("field")
                    writer.string("newPassword")
                    writer.key("code")
                    writer.string(violation.rawValue)
                    writer.key("message")
                    writer.string(language == .en ? violation.message(policy) : violation.messageZh(policy))
                    writer.endObject()
                }
                writer.endArray()
                writer.key("requestId")
                writer.string(request.requestID)
                writer.endObject()
                return HTTPResponse(
                    status: 422,
                    headers: [("Content-Type", "application/problem+json"), ("Content-Language", language.rawValue)],
                    body: writer.bytes
                )
            }
        }

        api.add(Operations.beginSecondFactor) { request, _ in
            let (totp, account) = try authenticator.beginSecondFactor(request)
            var writer = JSONWriter(capacity: 256)
            writer.beginObject()
            writer.key("secret")
            writer.string(totp.base32Secret)
            writer.key("uri")
            writer.string(totp.provisioningURI(issuer: "Shebao", account: account))
            writer.endObject()
            return .json(writer.bytes)
        }

        api.add(Operations.confirmSecondFactor) { request, input in
            let body = try input.body(CodeBody.self)
            guard let codes = try authenticator.confirmSecondFactor(request, code: body.code) else {
                throw BusinessError(
                    422,
                    zh: "验证码与新密钥不符，请核对认证器的时间",
                    en: "the code does not match the new secret; check the authenticator's clock"
                )
            }
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("recoveryCodes")
            writer.beginArray()
            for code in codes {
                writer.string(code)
            }
            writer.endArray()
            writer.endObject()
            return .json(writer.bytes)
        }

        api.add(Operations.me) { request, _ in
            try authenticator.withSession(request, allowPendingSteps: true) { _, principal in
                var writer = JSONWriter(capacity: 256)
                Self.write(
                    principal,
                    mustChangePassword: authenticator.mustChangePassword(principal),
                    mustEnrolSecondFactor: authenticator.mustEnrolSecondFactor(principal),
                    to: &writer
                )
                return .json(writer.bytes)
            }
        }
    }

    /// The response to a log-in: the token and the principal, or one of the refusals.
    private static func answer(
        _ outcome: Authenticator.LoginOutcome,
        authenticator: Authenticator,
        request: HTTPRequest
    ) -> HTTPResponse {
        switch outcome {
        case .success(let token, let principal, let passwordExpired, let secondFactorMissing):
            let mustChange = principal.kind == .operator && (principal.mustChangePassword || passwordExpired)
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("token")
            writer.string(token)
            writer.key("tokenType")
            writer.string("Bearer")
            writer.key("expiresAt")
            writer.string(principal.expiresAt.formatted(.iso8601))
            writer.key(principal.kind == .person ? "person" : "operator")
            Self.write(
                principal,
                mustChangePassword: mustChange,
                mustEnrolSecondFactor: secondFactorMissing,
                to: &writer
            )
            // What the operator must do before anything else (the client leads them there).
            writer.key("mustChangePassword")
            writer.bool(mustChange)
            writer.key("secondFactorEnrolmentRequired")
            writer.bool(secondFactorMissing)
            writer.endObject()
            return .json(writer.bytes)
        case .refused:
            // One answer for an unknown name, a wrong password or code, a locked or disabled account.
            return BusinessError(
                401,
                zh: "用户名或密码错误，或该账号当前不能登录",
                en: "wrong user name or password, or the account cannot log in now"
            ).response(requestID: request.requestID, language: Localization.language(request))
        case .secondFactorRequired:
            return BusinessError(
                401,
                zh: "请输入认证器（手机令牌）上的动态验证码",
                en: "the code of the authenticator app is required"
            ).response(requestID: request.requestID, language: Localization.language(request))
        case .throttled:
            return BusinessError(
                429,
                zh: "该地址登录失败次数过多，请稍后再试",
                en: "too many failed log-ins from this address; try again later",
                headers: [("Retry-After", "\(authenticator.settings.addressFailureWindow.components.seconds)")]
            ).response(requestID: request.requestID, language: Localization.language(request))
        }
    }

    private static func write(
        _ principal: SessionPrincipal,
        mustChangePassword: Bool,
        mustEnrolSecondFactor: Bool,
        to writer: inout JSONWriter
    ) {
        writer.beginObject()
        writer.key("kind")
        writer.string(principal.kind.rawValue)
        if let id = principal.operatorID ?? principal.personID {
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
        writer.key("mustChangePassword")
        writer.bool(mustChangePassword)
        writer.key("secondFactorEnrolmentRequired")
        writer.bool(mustEnrolSecondFactor)
        writer.key("sessionExpiresAt")
        writer.string(principal.expiresAt.formatted(.iso8601))
        writer.endObject()
    }
}
