/// Why a request was refused, with the status to answer it with.
///
/// The reason is one of a fixed set of short phrases, in English and in Chinese: it never
/// contains request bytes, so it is safe to log (the English one) and to send back in a response
/// body (in the client's language).
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status: 400, 408, 413, 414, 417, 431, 501 or 505.
    public var status: Int
    /// A constant English phrase naming the problem.
    public var reason: String
    /// The same phrase in Chinese.
    public var chineseReason: String

    /// Creates an error.
    /// - Parameters:
    ///   - status: the response status.
    ///   - reason: a constant English phrase that does not echo request bytes.
    ///   - chineseReason: the same phrase in Chinese.
    public init(status: Int, reason: String, chineseReason: String) {
        self.status = status
        self.reason = reason
        self.chineseReason = chineseReason
    }

    /// The phrase in `language`.
    /// - Parameter language: the language of the answer.
    /// - Returns: ``reason`` or ``chineseReason``.
    public func reason(in language: ResponseLanguage) -> String {
        switch language {
        case .zh: self.chineseReason
        case .en: self.reason
        }
    }

    /// The status followed by the English reason, e.g. `400 bare LF`.
    public var description: String { "\(self.status) \(self.reason)" }
}

extension HTTPParseError {
    static let bareLF = HTTPParseError(status: 400, reason: "bare LF", chineseReason: "行尾只有 LF，缺少 CR")
    static let bareCR = HTTPParseError(status: 400, reason: "bare CR", chineseReason: "出现了单独的 CR")
    static let tooManyEmptyLines = HTTPParseError(
        status: 400,
        reason: "too many empty lines before the request line",
        chineseReason: "请求行之前的空行过多"
    )
    static let invalidMethod = HTTPParseError(status: 400, reason: "invalid method", chineseReason: "请求方法无效")
    static let invalidRequestLine = HTTPParseError(
        status: 400,
        reason: "malformed request line",
        chineseReason: "请求行格式错误"
    )
    static let emptyTarget = HTTPParseError(status: 400, reason: "empty request target", chineseReason: "请求目标为空")
    static let invalidVersion = HTTPParseError(
        status: 400,
        reason: "malformed HTTP version",
        chineseReason: "HTTP 版本格式错误"
    )
    static let unsupportedVersion = HTTPParseError(
        status: 505,
        reason: "unsupported HTTP version",
        chineseReason: "不支持此 HTTP 版本"
    )
    static let requestLineTooLong = HTTPParseError(status: 414, reason: "request line too long", chineseReason: "请求行过长")

    static let obsFold = HTTPParseError(status: 400, reason: "obsolete line folding", chineseReason: "头字段使用了已废弃的折行")
    static let emptyFieldName = HTTPParseError(status: 400, reason: "empty field name", chineseReason: "头字段名为空")
    static let invalidFieldName = HTTPParseError(status: 400, reason: "invalid field name", chineseReason: "头字段名无效")
    static let whitespaceBeforeColon = HTTPParseError(
        status: 400,
        reason: "whitespace before colon",
        chineseReason: "头字段名与冒号之间有空白"
    )
    static let missingColon = HTTPParseError(status: 400, reason: "field line without colon", chineseReason: "头字段行缺少冒号")
    static let invalidFieldValue = HTTPParseError(status: 400, reason: "invalid field value", chineseReason: "头字段值无效")
    static let fieldLineTooLong = HTTPParseError(status: 431, reason: "field line too long", chineseReason: "头字段行过长")
    static let headerSectionTooLong = HTTPParseError(
        status: 431,
        reason: "header section too long",
        chineseReason: "请求头过长"
    )
    static let tooManyFields = HTTPParseError(status: 431, reason: "too many header fields", chineseReason: "头字段过多")

    static let missingHost = HTTPParseError(status: 400, reason: "missing Host", chineseReason: "缺少 Host 头字段")
    static let multipleHosts = HTTPParseError(status: 400, reason: "more than one Host", chineseReason: "Host 头字段不止一个")
    static let invalidHost = HTTPParseError(status: 400, reason: "invalid Host", chineseReason: "Host 头字段无效")
    static let invalidContentLength = HTTPParseError(
        status: 400,
        reason: "invalid Content-Length",
        chineseReason: "Content-Length 无效"
    )
    static let multipleContentLengths = HTTPParseError(
        status: 400,
        reason: "more than one Content-Length",
        chineseReason: "Content-Length 不止一个"
    )
    static let contentLengthAndTransferEncoding = HTTPParseError(
        status: 400,
        reason: "both Content-Length and Transfer-Encoding",
        chineseReason: "同时带有 Content-Length 和 Transfer-Encoding"
    )
    static let multipleTransferEncodings = HTTPParseError(
        status: 400,
        reason: "more than one Transfer-Encoding",
        chineseReason: "Transfer-Encoding 不止一个"
    )
    static let invalidTransferEncoding = HTTPParseError(
        status: 400,
        reason: "invalid Transfer-Encoding",
        chineseReason: "Transfer-Encoding 无效"
    )
    static let transferEncodingInHTTP10 = HTTPParseError(
        status: 400,
        reason: "Transfer-Encoding in HTTP/1.0",
        chineseReason: "HTTP/1.0 请求带有 Transfer-Encoding"
    )
    static let unsupportedTransferCoding = HTTPParseError(
        status: 501,
        reason: "unsupported transfer coding",
        chineseReason: "不支持此传输编码"
    )
    static let bodyTooLarge = HTTPParseError(status: 413, reason: "body too large", chineseReason: "请求内容过大")
    static let unsupportedExpectation = HTTPParseError(
        status: 417,
        reason: "unsupported expectation",
        chineseReason: "不支持此 Expect 期望"
    )

    static let invalidChunkSize = HTTPParseError(status: 400, reason: "invalid chunk size", chineseReason: "分块大小无效")
    static let chunkSizeTooLong = HTTPParseError(status: 400, reason: "chunk size too long", chineseReason: "分块大小过长")
    static let invalidChunkExtension = HTTPParseError(
        status: 400,
        reason: "invalid chunk extension",
        chineseReason: "分块扩展无效"
    )
    static let chunkExtensionTooLong = HTTPParseError(
        status: 400,
        reason: "chunk extension too long",
        chineseReason: "分块扩展过长"
    )
    static let missingChunkDataCRLF = HTTPParseError(
        status: 400,
        reason: "missing CRLF after chunk data",
        chineseReason: "分块数据之后缺少 CRLF"
    )
    static let invalidTrailer = HTTPParseError(status: 400, reason: "invalid trailer field", chineseReason: "尾部字段无效")
    static let trailerSectionTooLong = HTTPParseError(
        status: 431,
        reason: "trailer section too long",
        chineseReason: "尾部字段过长"
    )

    static let invalidTarget = HTTPParseError(status: 400, reason: "invalid request target", chineseReason: "请求目标无效")
    static let invalidPercentEncoding = HTTPParseError(
        status: 400,
        reason: "invalid percent-encoding in target",
        chineseReason: "请求目标中的百分号编码无效"
    )
    static let controlCharacterInTarget = HTTPParseError(
        status: 400,
        reason: "control character in target",
        chineseReason: "请求目标中含有控制字符"
    )
    static let encodedSeparatorInTarget = HTTPParseError(
        status: 400,
        reason: "encoded slash or backslash in target",
        chineseReason: "请求目标中含有编码后的斜杠或反斜杠"
    )
    static let dotSegmentInTarget = HTTPParseError(
        status: 400,
        reason: "dot segment in target",
        chineseReason: "请求目标中含有 . 或 .. 路径段"
    )
    static let invalidUTF8InTarget = HTTPParseError(
        status: 400,
        reason: "invalid UTF-8 in target",
        chineseReason: "请求目标不是有效的 UTF-8"
    )
}
