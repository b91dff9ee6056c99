import HTTP1
import Testing

/// A header field as the test expects to see it.
struct ExpectedField: Sendable, Equatable, CustomStringConvertible {
    var name: [UInt8]
    var value: [UInt8]

    init(_ name: String, _ value: String) {
        self.name = Array(name.utf8)
        self.value = Array(value.utf8)
    }

    init(name: [UInt8], value: [UInt8]) {
        self.name = name
        self.value = value
    }

    var description: String { "\(String(decoding: self.name, as: UTF8.self)): \(self.value)" }
}

/// A valid request and the head the parser must make of it.
struct ValidRequest: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var method: HTTPMethod
    var version = HTTPVersion.http1_1
    var target: String
    var fields: [ExpectedField]
    var framing = HTTPBodyFraming.none
    var isKeepAlive = true
    var expectsContinue = false
    /// The bytes of the head; the rest of `bytes` is body or a next request.
    var headLength: Int

    var testDescription: String { self.name }

    init(
        _ name: String,
        _ head: String,
        then rest: String = "",
        method: HTTPMethod,
        version: HTTPVersion = .http1_1,
        target: String,
        fields: [ExpectedField],
        framing: HTTPBodyFraming = .none,
        isKeepAlive: Bool = true,
        expectsContinue: Bool = false
    ) {
        self.init(
            name,
            Array(head.utf8),
            then: Array(rest.utf8),
            method: method,
            version: version,
            target: target,
            fields: fields,
            framing: framing,
            isKeepAlive: isKeepAlive,
            expectsContinue: expectsContinue
        )
    }

    init(
        _ name: String,
        _ head: [UInt8],
        then rest: [UInt8] = [],
        method: HTTPMethod,
        version: HTTPVersion = .http1_1,
        target: String,
        fields: [ExpectedField],
        framing: HTTPBodyFraming = .none,
        isKeepAlive: Bool = true,
        expectsContinue: Bool = false
    ) {
        self.name = name
        self.bytes = head + rest
        self.method = method
        self.version = version
        self.target = target
        self.fields = fields
        self.framing = framing
        self.isKeepAlive = isKeepAlive
        self.expectsContinue = expectsContinue
        self.headLength = head.count
    }
}

/// The valid requests every parser test runs: each is fed whole, split at every offset and one byte
/// at a time, always ending at a guard page.
enum RequestSamples {
    static let chunkedBody =
        "5;name=value\r\nhello\r\n6;q=\"a \\\"b\";flag\r\n world\r\n0;last\r\nChecksum: abc\r\nX-Trailer:\r\n\r\n"

    static let manyFields: ValidRequest = {
        let names = (1...99).map { "X-Field-\($0)" }
        let head = "GET /many HTTP/1.1\r\nHost: a\r\n" + names.map { "\($0): value \($0)\r\n" }.joined() + "\r\n"
        return ValidRequest(
            "100 fields, the limit",
            head,
            method: .get,
            target: "/many",
            fields: [ExpectedField("Host", "a")] + names.map { ExpectedField($0, "value \($0)") }
        )
    }()

    static let longestRequestLine: ValidRequest = {
        let target = "/" + String(repeating: "a", count: 8192 - "GET  HTTP/1.1".utf8.count - 1)
        return ValidRequest(
            "request line of exactly 8192 bytes",
            "GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n",
            method: .get,
            target: target,
            fields: [ExpectedField("Host", "a")]
        )
    }()

    static let valid: [ValidRequest] = [
        ValidRequest(
            "GET with a query",
            "GET /api/persons?office=3101&name=%E5%BC%A0&page=2 HTTP/1.1\r\nHost: shebao.example\r\n"
                + "Accept: application/json\r\n\r\n",
            method: .get,
            target: "/api/persons?office=3101&name=%E5%BC%A0&page=2",
            fields: [ExpectedField("Host", "shebao.example"), ExpectedField("Accept", "application/json")]
        ),
        ValidRequest(
            "POST with a Content-Length body",
            "POST /api/claims HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n",
            then: "{\"amount\":12}",
            method: .post,
            target: "/api/claims",
            fields: [
                ExpectedField("Host", "a"), ExpectedField("Content-Type", "application/json"),
                ExpectedField("Content-Length", "13"),
            ],
            framing: .contentLength(13)
        ),
        ValidRequest(
            "chunked POST with extensions and trailers",
            "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
            then: chunkedBody,
            method: .post,
            target: "/upload",
            fields: [ExpectedField("Host", "a"), ExpectedField("Transfer-Encoding", "chunked")],
            framing: .chunked
        ),
        ValidRequest(
            "Transfer-Encoding compared without case",
            "PUT /x HTTP/1.1\r\nHost: a\r\ntransfer-encoding: \tChUnKeD \r\n\r\n",
            method: .put,
            target: "/x",
            fields: [ExpectedField("Host", "a"), ExpectedField("transfer-encoding", "ChUnKeD")],
            framing: .chunked
        ),
        ValidRequest(
            "HTTP/1.0 keep-alive",
            "GET /status HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
            method: .get,
            version: .http1_0,
            target: "/status",
            fields: [ExpectedField("Connection", "Keep-Alive")]
        ),
        ValidRequest(
            "HTTP/1.0 without Host closes",
            "GET / HTTP/1.0\r\n\r\n",
            method: .get,
            version: .http1_0,
            target: "/",
            fields: [],
            isKeepAlive: false
        ),
        ValidRequest(
            "pipelined pair, first request",
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\n",
            then: "GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            method: .get,
            target: "/a",
            fields: [ExpectedField("Host", "a")]
        ),
        ValidRequest(
            "absolute-form",
            "GET http://shebao.example:8080/api/x?y=1 HTTP/1.1\r\nHost: shebao.example:8080\r\n\r\n",
            method: .get,
            target: "http://shebao.example:8080/api/x?y=1",
            fields: [ExpectedField("Host", "shebao.example:8080")]
        ),
        ValidRequest(
            "OPTIONS *",
            "OPTIONS * HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n",
            method: .options,
            target: "*",
            fields: [ExpectedField("Host", "[::1]:8443")]
        ),
        ValidRequest(
            "leading empty lines",
            "\r\n\r\nDELETE /a/1 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
            method: .delete,
            target: "/a/1",
            fields: [ExpectedField("Host", "a"), ExpectedField("Content-Length", "0")],
            framing: .contentLength(0)
        ),
        ValidRequest(
            "field values with obs-text",
            Array("GET / HTTP/1.1\r\nHost: a\r\nX-Name: ".utf8) + [0xE5, 0xBC, 0xA0, 0x80, 0xFF]
                + Array("\r\n\r\n".utf8),
            method: .get,
            target: "/",
            fields: [
                ExpectedField("Host", "a"),
                ExpectedField(name: Array("X-Name".utf8), value: [0xE5, 0xBC, 0xA0, 0x80, 0xFF]),
            ]
        ),
        ValidRequest(
            "empty values and optional whitespace",
            "GET / HTTP/1.1\r\nHost:a\r\nX-Empty:\r\nX-Spaces: \t inner  \t space \t \r\n\r\n",
            method: .get,
            target: "/",
            fields: [
                ExpectedField("Host", "a"), ExpectedField("X-Empty", ""), ExpectedField("X-Spaces", "inner  \t space"),
            ]
        ),
        ValidRequest(
            "Expect 100-continue",
            "PUT /files/1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-Continue\r\n\r\n",
            then: "hello",
            method: .put,
            target: "/files/1",
            fields: [
                ExpectedField("Host", "a"), ExpectedField("Content-Length", "5"),
                ExpectedField("Expect", "100-Continue"),
            ],
            framing: .contentLength(5),
            expectsContinue: true
        ),
        ValidRequest(
            "Connection close among other tokens",
            "PATCH /p HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nConnection: ,CLOSE \r\n\r\n",
            method: .patch,
            target: "/p",
            fields: [
                ExpectedField("Host", "a"), ExpectedField("Connection", "keep-alive, Upgrade"),
                ExpectedField("Connection", ",CLOSE"),
            ],
            isKeepAlive: false
        ),
        ValidRequest(
            "an unusual method",
            "PROPFIND /dav HTTP/1.1\r\nHost: a\r\n\r\n",
            method: HTTPMethod(rawValue: "PROPFIND"),
            target: "/dav",
            fields: [ExpectedField("Host", "a")]
        ),
        ValidRequest(
            "the largest allowed Content-Length",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0001048576\r\n\r\n",
            method: .post,
            target: "/",
            fields: [ExpectedField("Host", "a"), ExpectedField("Content-Length", "0001048576")],
            framing: .contentLength(1 << 20)
        ),
        manyFields,
        longestRequestLine,
    ]
}
