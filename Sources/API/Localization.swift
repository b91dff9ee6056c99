import Business
public import Domain
import HTTP1
public import HTTPServer
import Postgres

/// Answers in the client's language (`Accept-Language`; Chinese by default) for routes that
/// throw plain ``HTTPError``s: the title from the status, the detail in Chinese when the error
/// carries it.
public enum Localization {
    /// The language `request` asks for.
    public static func language(_ request: HTTPRequest) -> Language {
        Self.language(acceptLanguage: request.headers["Accept-Language"])
    }

    /// The language an `Accept-Language` value prefers, by the rule the server's own answers
    /// follow (``AcceptLanguage``): English when the highest-weighted supported range is, Chinese
    /// otherwise.
    public static func language(acceptLanguage value: String?) -> Language {
        guard var value else { return .zh }
        let preferred = value.withUTF8 { AcceptLanguage.preferred(UnsafeRawBufferPointer($0)) }
        return switch preferred {
        case .zh: .zh
        case .en: .en
        }
    }

    /// Runs `handler`, turning what it throws into a problem document in the request's language.
    public static func run(_ request: HTTPRequest, _ handler: HTTPHandler) throws -> HTTPResponse {
        do {
            return try handler(request)
        } catch let error as BusinessError {
            return error.response(requestID: request.requestID, language: Self.language(request))
        } catch let failure as BusinessFailure {
            return BusinessError(failure).response(requestID: request.requestID, language: Self.language(request))
        } catch is Unauthenticated {
            return Self.unauthenticated.response(requestID: request.requestID, language: Self.language(request))
        } catch let error as HTTPError {
            return Self.translated(error).response(requestID: request.requestID, language: Self.language(request))
        } catch is PostgresEncodingError {
            return Self.unstorable.response(requestID: request.requestID, language: Self.language(request))
        }
    }

    /// A value PostgreSQL text cannot hold (a NUL) that got past the request's checks: still the
    /// client's to correct, never a 500.
    static var unstorable: BusinessError {
        BusinessError(
            400,
            zh: "请求中含有无法保存的字符（NUL 等控制字符）",
            en: "the request holds a character that cannot be stored (NUL or another control character)"
        )
    }

    /// A plain error in both languages: its Chinese message, or for want of one the status text
    /// before the English message.
    static func translated(_ error: HTTPError) -> BusinessError {
        BusinessError(
            error.status,
            zh: error.zh ?? "\(StatusText.text(error.status, .zh))：\(error.message)",
            en: error.message
        )
    }

    static var unauthenticated: BusinessError {
        BusinessError(
            401,
            zh: "请先登录：本请求没有有效的会话",
            en: "log in first: no live session for this request",
            headers: [("WWW-Authenticate", "Bearer realm=\"shebao\"")]
        )
    }
}
