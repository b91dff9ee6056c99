public import Business
public import Foundation
public import HTTPServer
public import Postgres
public import Security

extension Caller {
    /// The caller of `request`: its bearer token, its request ID and the client's address.
    public init(_ request: HTTPRequest) {
        self.init(
            token: Self.bearerToken(request),
            traceID: request.requestID,
            clientAddress: request.remoteAddress
        )
    }

    /// The token of an `Authorization: Bearer …` field (RFC 6750): base32, as issued; nil for
    /// anything else.
    static func bearerToken(_ request: HTTPRequest) -> String? {
        guard let field = request.headers["Authorization"] else { return nil }
        let parts = field.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].utf8.count == 52,
            parts[1].utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x32...0x37).contains($0) })
        else { return nil }
        return String(parts[1])
    }
}

/// The accounts' operations for the caller of an HTTP request.
extension Authenticator {
    public func withSession<R>(
        _ request: HTTPRequest,
        allowPendingSteps: Bool = false,
        _ body: (PostgresConnection, SessionPrincipal) throws -> R
    ) throws -> R {
        try self.withSession(Caller(request), allowPendingSteps: allowPendingSteps, body)
    }

    public func beginSecondFactor(_ request: HTTPRequest) throws -> (totp: TOTP, account: String) {
        try self.beginSecondFactor(Caller(request))
    }

    public func confirmSecondFactor(_ request: HTTPRequest, code: String, now: Date = Date()) throws -> [String]? {
        try self.confirmSecondFactor(Caller(request), code: code, now: now)
    }

    public func changePassword(_ request: HTTPRequest, current: String?, new: String) throws -> PasswordChangeOutcome {
        try self.changePassword(Caller(request), current: current, new: new)
    }

    public func logout(_ request: HTTPRequest) throws -> Bool {
        try self.logout(Caller(request))
    }
}
