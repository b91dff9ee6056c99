/// What a handler returns.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields, in order. `Content-Length`, `Date` and `Connection` are written by the
    /// server; do not set them here.
    public var headers: [(name: String, value: String)]
    /// The body. Not sent for `HEAD` requests (its length is).
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// An `application/json` response from bytes already encoded.
    public static func json(_ bytes: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: Self.jsonHeaders, body: bytes)
    }

    private static let jsonHeaders: [(name: String, value: String)] = [("Content-Type", "application/json")]

    /// An RFC 9457 `application/problem+json` response, with `headers` after its `Content-Type`.
    public static func problem(
        status: Int,
        title: String,
        detail: String? = nil,
        requestID: String? = nil,
        headers: [(name: String, value: String)] = []
    ) -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type")
        writer.string("about:blank")
        writer.key("title")
        writer.string(title)
        writer.key("status")
        writer.number(status)
        if let detail {
            writer.key("detail")
            writer.string(detail)
        }
        if let requestID {
            writer.key("requestId")
            writer.string(requestID)
        }
        writer.endObject()
        return HTTPResponse(
            status: status,
            headers: [("Content-Type", "application/problem+json")] + headers,
            body: writer.bytes
        )
    }
}

/// An error that knows its HTTP form. Any other error thrown by a handler becomes a 500 with a
/// generic body; its details go to the log with the request ID.
public protocol HTTPResponseError: Error {
    /// The response to send.
    func response(requestID: String) -> HTTPResponse
}

/// A plain HTTP error with a status and a short, safe message.
public struct HTTPError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: Int
    /// The message in English.
    public var message: String
    /// The message in Chinese, for a server that answers in the client's language; the English
    /// one is used where it is absent.
    public var zh: String?

    public init(_ status: Int, _ message: String, zh: String? = nil) {
        self.status = status
        self.message = message
        self.zh = zh
    }

    public func response(requestID: String) -> HTTPResponse {
        .problem(status: self.status, title: self.message, requestID: requestID)
    }

    public var description: String { "HTTP \(self.status): \(self.message)" }
}
