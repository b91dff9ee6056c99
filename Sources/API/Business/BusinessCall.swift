public import Business
public import Domain
import Foundation
import HTTP1
public import HTTPServer
public import Postgres
import Security
import Store

/// Who may call a business route.
public enum Access: Sendable {
    /// Operators holding any of these roles.
    case operators(Set<String>)
    /// Insured persons (their own records), and operators holding any of these roles.
    case personsAnd(Set<String>)
}

/// One business request inside its session's transaction: the business layer's context (the
/// connection scoped to the principal's offices, the principal, the audit trail), the request
/// and its language.
public final class BusinessCall {
    public let context: BusinessContext
    public let request: HTTPRequest
    public let language: Language

    init(context: BusinessContext, request: HTTPRequest, language: Language) {
        self.context = context
        self.request = request
        self.language = language
    }

    public var connection: PostgresConnection { self.context.connection }
    public var principal: SessionPrincipal { self.context.principal }
    /// Whether an audit event was written for this request.
    public var isAudited: Bool { self.context.isAudited }

    /// The operator's ID; business that operators do needs one.
    public var operatorID: Int64 {
        get throws { try self.context.operatorID }
    }

    /// Appends an audit event in this transaction: the action, its target, the office it
    /// concerns (the principal's unless given) and the record before and after.
    public func audit(
        _ action: String,
        target: (type: String, id: Int64)? = nil,
        office: Int64? = nil,
        before: PostgresJSON? = nil,
        after: PostgresJSON? = nil
    ) throws {
        try self.context.audit(action, target: target, office: office, before: before, after: after)
    }
}

/// Runs business routes: the session and its scope, the role check, the language, the
/// `Idempotency-Key` of POSTs, an audit event for every state-changing request, and errors as
/// problem documents in the request's language.
public struct BusinessService: Sendable {
    public let authenticator: Authenticator

    public init(authenticator: Authenticator) {
        self.authenticator = authenticator
    }

    /// Runs `body` for `request` if the principal has `access`.
    ///
    /// A POST, PUT, PATCH or DELETE that `body` did not audit itself is audited as `action` on
    /// success, unless it `changesState` not (a preview).
    ///
    /// With an `Idempotency-Key`, the answer is kept for a retry unless `keepsAnswer` is false
    /// (an answer carrying a one-time password, which is never stored): then the retry is
    /// refused with 409 and changes nothing. With an `Idempotency-Key`, a POST's first answer is kept with the key in the
    /// same transaction: a retry gets it again (`Idempotent-Replayed: true`) and changes
    /// nothing; the same key with another body gets 422.
    ///
    /// - Throws: only what is not an answer of its own (a 500 with the details in the log).
    public func run(
        _ request: HTTPRequest,
        access: Access,
        action: String,
        changesState: Bool = true,
        keepsAnswer: Bool = true,
        _ body: (BusinessCall) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        let language = Localization.language(request)
        do {
            let key = changesState ? try Self.idempotencyKey(request) : nil
            return try self.authenticator.withSession(request) { connection, principal in
                try Self.check(access, principal)
                let call = BusinessCall(
                    context: BusinessContext(
                        connection: connection,
                        principal: principal,
                        traceID: request.requestID,
                        clientAddress: request.remoteAddress
                    ),
                    request: request,
                    language: language
                )
                if let key, let replay = try Idempotency.begin(key, call) {
                    return replay
                }
                var response = try body(call)
                if changesState && request.method != .get && request.method != .head && !call.isAudited {
                    try call.audit(action)
                }
                response.headers.append(("Content-Language", language.rawValue))
                if let key {
                    try Idempotency.finish(key, call, keepsAnswer ? response : Idempotency.notKept(request))
                }
                return response
            }
        } catch let error as BusinessError {
            return error.response(requestID: request.requestID, language: language)
        } catch let failure as BusinessFailure {
            return BusinessError(failure).response(requestID: request.requestID, language: language)
        } catch is Unauthenticated {
            return Localization.unauthenticated.response(requestID: request.requestID, language: language)
        } catch let error as HTTPError {
            return Localization.translated(error).response(requestID: request.requestID, language: language)
        } catch let error as PostgresError {
            guard let failure = BusinessFailure(error) else { throw error }
            return BusinessError(failure).response(requestID: request.requestID, language: language)
        } catch is PostgresEncodingError {
            return Localization.unstorable.response(requestID: request.requestID, language: language)
        }
    }

    /// Whether `request`'s session may do what `access` allows, checked in a read-only
    /// transaction of its own: for work that must not start for anyone else (a password hash).
    ///
    /// - Throws: ``Unauthenticated`` without a live session, ``BusinessError`` 403 otherwise.
    public func authorize(_ request: HTTPRequest, access: Access) throws {
        try self.authenticator.withSession(request) { _, principal in
            try Self.check(access, principal)
        }
    }

    private static func check(_ access: Access, _ principal: SessionPrincipal) throws {
        switch (access, principal.kind) {
        case (.personsAnd, .person):
            return
        case (.operators(let roles), .operator), (.personsAnd(let roles), .operator):
            guard !roles.isDisjoint(with: principal.roles) else {
                throw BusinessError.forbidden(
                    "您的角色无权办理此项业务（需要：\(roles.sorted().joined(separator: "、"))）",
                    "your roles do not allow this (needs one of: \(roles.sorted().joined(separator: ", ")))"
                )
            }
        default:
            throw BusinessError.forbidden("仅限经办人员办理", "for operators only")
        }
    }

    /// The request's `Idempotency-Key`, checked against the same schema the description gives it
    /// (``OpenAPI/Parameter/idempotencyKey``): before the key is claimed, so that a malformed one
    /// is the client's 400 and never reaches the table.
    private static func idempotencyKey(_ request: HTTPRequest) throws -> String? {
        let parameter = OpenAPI.Parameter.idempotencyKey
        guard request.method == .post, let key = request.headers[parameter.name] else { return nil }
        let issues = parameter.issues(.string(key))
        guard issues.isEmpty else { throw ShapeFailure(issues).businessError }
        return key
    }
}

/// The kept answers of `Idempotency-Key`s.
enum Idempotency {
    /// Claims `key` for this request, or returns the answer kept for it. Under a concurrent
    /// retry, the insert waits for the first transaction and then finds its answer.
    static func begin(_ key: String, _ call: BusinessCall) throws -> HTTPResponse? {
        let hash = Self.requestHash(call.request)
        guard let kept = try IdempotencyKeys.claim(key, requestHash: hash, by: Self.owner(call), on: call.connection)
        else { return nil }
        guard kept.requestHash == hash else {
            throw BusinessError(
                422,
                zh: "该 Idempotency-Key 已用于另一个请求",
                en: "this Idempotency-Key was used for a different request"
            )
        }
        let status = kept.status ?? 409
        let pairs =
            kept.headers ?? [["Content-Type", status >= 400 ? "application/problem+json" : "application/json"]]
        // The first answer again, as it was: a replay is the same answer, marked as one.
        let headers = pairs.compactMap { pair in pair.count == 2 ? (name: pair[0], value: pair[1]) : nil }
        return HTTPResponse(status: status, headers: headers + [("Idempotent-Replayed", "true")], body: kept.body)
    }

    /// What a retry of a request whose answer is not kept gets.
    static func notKept(_ request: HTTPRequest) -> HTTPResponse {
        BusinessError(
            409,
            zh: "该请求已办理；其应答含一次性密码，不予保存，请勿重复提交",
            en: "this request was carried out; its answer held a one-time password and was not kept"
        ).response(requestID: request.requestID, language: Localization.language(request))
    }

    static func finish(_ key: String, _ call: BusinessCall, _ response: HTTPResponse) throws {
        try IdempotencyKeys.keep(
            key,
            status: response.status,
            headers: response.headers.map { [$0.name, $0.value] },
            body: response.body,
            by: Self.owner(call),
            on: call.connection
        )
    }

    private static func owner(_ call: BusinessCall) -> IdempotencyKeys.Owner {
        IdempotencyKeys.Owner(officeID: call.principal.officeID, principal: call.principal.principal)
    }

    /// The hash of what the request asks: method, path and body, a JSON body in canonical form
    /// (sorted keys, no spaces), so that a retry serialised differently is still the same.
    static func requestHash(_ request: HTTPRequest) -> [UInt8] {
        var bytes = Array("\(request.method) \(request.path)\n".utf8)
        if let object = try? JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed]),
            let canonical = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .fragmentsAllowed]
            )
        {
            bytes += canonical
        } else {
            bytes += request.body
        }
        return SHA256.hash(bytes)
    }
}
