public import Business
public import Domain
import HTTP1
public import HTTPServer

/// An error of the business routes, in both languages: rendered as RFC 9457
/// `application/problem+json` in the language the request asked for, with the validation
/// issues as `errors` (and `warnings`) when there are any.
public struct BusinessError: Error, Sendable {
    public var status: Int
    public var zh: String
    public var en: String
    public var issues: [ValidationIssue]
    public var headers: [(name: String, value: String)]

    public init(
        _ status: Int,
        zh: String,
        en: String,
        issues: [ValidationIssue] = [],
        headers: [(name: String, value: String)] = []
    ) {
        self.status = status
        self.zh = zh
        self.en = en
        self.issues = issues
        self.headers = headers
    }

    /// The business layer's `failure`, as its status: 422 for data that did not pass the checks
    /// or breaks a rule, 404, 403, 409 for a state that does not allow it, 412 with the current
    /// `ETag` for a stale version, 428 for a change that names none, 415 for content of a kind
    /// not taken, 503 with `Retry-After` for a lost race, 500 for a record that cannot be read.
    public init(_ failure: BusinessFailure) {
        var headers: [(name: String, value: String)] = []
        let status: Int
        switch failure.kind {
        case .invalid, .unprocessable: status = 422
        case .notFound: status = 404
        case .forbidden: status = 403
        case .conflict: status = 409
        case .stale(let version):
            status = 412
            headers.append(("ETag", "\"\(version)\""))
        case .versionRequired: status = 428
        case .unsupportedContent: status = 415
        case .busy(let seconds):
            status = 503
            headers.append(("Retry-After", "\(seconds)"))
        case .corrupt: status = 500
        }
        self.init(status, zh: failure.zh, en: failure.en, issues: failure.issues, headers: headers)
    }

    /// 422 for `issues`, of which at least one is an error.
    public static func invalid(_ issues: [ValidationIssue]) -> BusinessError {
        BusinessError(422, zh: "提交的数据未通过校验", en: "the data did not pass the checks", issues: issues)
    }

    /// 404 for a resource of `kind` that is not in the caller's offices (or does not exist:
    /// the two are not told apart).
    public static func notFound(_ zh: String, _ en: String) -> BusinessError {
        BusinessError(404, zh: "未找到\(zh)", en: "no such \(en) in your offices")
    }

    /// 403 for a role that may not do this.
    public static func forbidden(_ zh: String, _ en: String) -> BusinessError {
        BusinessError(403, zh: zh, en: en)
    }

    /// The problem document in `language`.
    public func response(requestID: String, language: Language) -> HTTPResponse {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("type")
        writer.string("about:blank")
        writer.key("title")
        writer.string(StatusText.text(self.status, language))
        writer.key("status")
        writer.number(self.status)
        writer.key("detail")
        writer.string(language == .en ? self.en : self.zh)
        writer.key("requestId")
        writer.string(requestID)
        let errors = self.issues.filter { $0.severity == .error }
        let warnings = self.issues.filter { $0.severity == .warning }
        if !self.issues.isEmpty {
            writer.key("errors")
            IssueJSON.write(errors, language, into: &writer)
            writer.key("warnings")
            IssueJSON.write(warnings, language, into: &writer)
        }
        writer.endObject()
        return HTTPResponse(
            status: self.status,
            headers: [("Content-Type", "application/problem+json"), ("Content-Language", language.rawValue)]
                + self.headers,
            body: writer.bytes
        )
    }
}

/// Issues as the API writes them: `[{field, code, message}]`.
enum IssueJSON {
    static func write(_ issues: [ValidationIssue], _ language: Language, into writer: inout JSONWriter) {
        writer.beginArray()
        for issue in issues {
            writer.beginObject()
            writer.key("field")
            writer.string(issue.field)
            writer.key("code")
            writer.string(issue.code.rawValue)
            writer.key("message")
            writer.string(issue.message(language))
            if !issue.arguments.isEmpty {
                writer.key("arguments")
                writer.beginObject()
                for (name, value) in issue.arguments.sorted(by: { $0.key < $1.key }) {
                    writer.key(name)
                    writer.string(value)
                }
                writer.endObject()
            }
            writer.endObject()
        }
        writer.endArray()
    }
}

/// Status texts in both languages, for the `title` of problem documents: the server's table
/// (``StatusTitle``), in the Domain's languages.
public enum StatusText {
    public static func text(_ status: Int, _ language: Language) -> String {
        StatusTitle.text(status, language == .en ? .en : .zh)
    }
}
