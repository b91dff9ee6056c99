import HTTP1

/// An answer the server gives itself: to a request it cannot parse or read in time, a path no
/// route has, a method the route does not take, a full handler queue, a handler's unknown
/// error. Rendered as an RFC 9457 problem document in the client's language: the title is the
/// status's reason phrase and the detail says what was wrong, in Chinese unless the request's
/// `Accept-Language` prefers English, with `Content-Language` saying which.
struct ServerProblem: Sendable {
    var status: Int
    /// What was wrong, in Chinese.
    var zh: String
    /// What was wrong, in English.
    var en: String

    static let notFound = ServerProblem(status: 404, zh: "此地址下没有资源", en: "no resource at this path")
    static let methodNotAllowed = ServerProblem(
        status: 405,
        zh: "此地址不接受这个请求方法，可用的方法见 Allow",
        en: "this path does not take the method; Allow lists the ones it takes"
    )
    static let handlerQueueFull = ServerProblem(
        status: 503,
        zh: "服务器正忙，请稍后重试",
        en: "every handler is busy and the queue is full; retry in a moment"
    )
    static let internalError = ServerProblem(
        status: 500,
        zh: "服务器处理请求时出错，请凭请求编号联系管理员",
        en: "the server failed to handle the request; quote its request ID"
    )

    init(status: Int, zh: String, en: String) {
        self.status = status
        self.zh = zh
        self.en = en
    }

    /// The refusal of a request that could not be parsed, or not in time.
    init(_ error: HTTPParseError) {
        self.init(status: error.status, zh: error.chineseReason, en: error.reason)
    }

    /// The problem document in `language`.
    /// - Parameters:
    ///   - language: the language of the title and the detail.
    ///   - requestID: the request's ID, for the client to quote.
    ///   - headers: fields to add (`Allow`, `Retry-After`).
    func response(
        language: ResponseLanguage,
        requestID: String,
        headers: [(name: String, value: String)] = []
    ) -> HTTPResponse {
        let detail: String
        switch language {
        case .zh: detail = self.zh
        case .en: detail = self.en
        }
        // RFC 9110 §12.5.5: the answer depends on Accept-Language, which caches must know.
        return .problem(
            status: self.status,
            title: StatusTitle.text(self.status, language),
            detail: detail,
            requestID: requestID,
            headers: [("Content-Language", language.tag), ("Vary", "Accept-Language")] + headers
        )
    }
}
