import Foundation
import HTTP1
import HTTPServer
import TestSupport
import Testing

/// The server's own answers over real sockets: Chinese by default, English when
/// `Accept-Language` prefers it, with the status's reason phrase as the title, what was wrong as
/// the detail, and `Content-Language`.
@Suite struct ServerProblemTests {
    struct Problem {
        var status: Int
        var title: String
        var detail: String
        var contentLanguage: String?
        var response: TestResponse
    }

    private static func routes(_ router: inout Router) {
        router.add(.get, "/hello", execution: .inline) { _ in .text("hello") }
        router.add(.post, "/echo") { request in HTTPResponse(status: 200, body: request.body) }
        router.add(.get, "/fail") { _ in
            struct Secret: Error { let detail = "password=hunter2" }
            throw Secret()
        }
        router.addDeferred(.get, "/fail-later") { _, responder in
            struct Secret: Error { let detail = "password=hunter2" }
            responder.respond(error: Secret())
        }
    }

    /// Sends `request` on a new connection and reads the problem document it is answered with.
    static func problem(
        _ request: String,
        port: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Problem {
        let client = try TestClient(port: port)
        try client.send(request)
        let response = try #require(try client.readResponse(), "no answer", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            sourceLocation: sourceLocation
        )
        #expect(object["status"] as? Int == response.status, sourceLocation: sourceLocation)
        #expect(object["requestId"] as? String == response.header("X-Request-ID"), sourceLocation: sourceLocation)
        return Problem(
            status: response.status,
            title: object["title"] as? String ?? "",
            detail: object["detail"] as? String ?? "",
            contentLanguage: response.header("Content-Language"),
            response: response
        )
    }

    @Test(arguments: [
        (String?.none, ResponseLanguage.zh), ("en", .en), ("en-US", .en), ("EN-gb;q=0.8, zh;q=0.7", .en),
        ("zh-CN, en;q=0.9", .zh), ("fr, en;q=0.1", .en), ("en;q=0", .zh), ("en;Q=1.000", .en), ("*", .zh),
        ("de", .zh), ("en;;q=1", .zh), ("en;q=1.5", .zh), ("en, ", .en), ("zh;q=0.5, en;q=0.5", .zh),
    ])
    func aNotFoundIsInTheLanguageAcceptLanguagePrefers(acceptLanguage: String?, language: ResponseLanguage) throws {
        let running = try RunningServer(routes: Self.routes)
        defer { running.stop() }
        let field = acceptLanguage.map { "Accept-Language: \($0)\r\n" } ?? ""
        let problem = try Self.problem("GET /nowhere HTTP/1.1\r\nHost: t\r\n\(field)\r\n", port: running.port)
        #expect(problem.status == 404)
        #expect(problem.contentLanguage == language.tag)
        #expect(problem.response.header("Vary") == "Accept-Language")
        switch language {
        case .zh:
            #expect(problem.title == "未找到")
            #expect(problem.detail == "此地址下没有资源")
        case .en:
            #expect(problem.title == "Not Found")
            #expect(problem.detail == "no resource at this path")
        }
    }

    /// Every kind of answer the server gives itself, each in both languages.
    @Test(arguments: [
        ("DELETE /hello HTTP/1.1\r\nHost: t\r\n", 405, "不支持此请求方法", "Method Not Allowed", "此地址不接受这个请求方法，可用的方法见 Allow"),
        ("GET /fail HTTP/1.1\r\nHost: t\r\n", 500, "系统内部错误", "Internal Server Error", "服务器处理请求时出错，请凭请求编号联系管理员"),
        ("GET /fail-later HTTP/1.1\r\nHost: t\r\n", 500, "系统内部错误", "Internal Server Error", "服务器处理请求时出错，请凭请求编号联系管理员"),
        ("GET /hello HTTP/1.1\r\nHost: t\r\nX : y\r\n", 400, "请求格式错误", "Bad Request", "头字段名与冒号之间有空白"),
        ("GET /a\u{1}b HTTP/1.1\r\nHost: t\r\n", 400, "请求格式错误", "Bad Request", "请求行格式错误"),
        ("GET /a/%2e%2e/b HTTP/1.1\r\nHost: t\r\n", 400, "请求格式错误", "Bad Request", "请求目标中含有 . 或 .. 路径段"),
        ("GET /hello HTTP/2.0\r\nHost: t\r\n", 505, "不支持此 HTTP 版本", "HTTP Version Not Supported", "不支持此 HTTP 版本"),
        (
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 9999999999\r\n", 413, "请求内容过大", "Content Too Large",
            "请求内容过大"
        ),
        ("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\n", 417, "无法满足期望", "Expectation Failed", "不支持此 Expect 期望"),
        (
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n", 501, "未实现", "Not Implemented",
            "不支持此传输编码"
        ),
        (
            "GET /hello HTTP/1.1\r\nHost: t\r\n" + String(repeating: "X: y\r\n", count: 100), 431, "请求头字段过大",
            "Request Header Fields Too Large", "头字段过多"
        ),
    ])
    func eachOwnAnswerIsInChineseByDefaultAndInEnglishWhenAsked(
        head: String,
        status: Int,
        chineseTitle: String,
        englishTitle: String,
        chineseDetail: String
    ) throws {
        let running = try RunningServer(routes: Self.routes)
        defer { running.stop() }
        let chinese = try Self.problem(head + "\r\n", port: running.port)
        #expect(chinese.status == status)
        #expect(chinese.title == chineseTitle)
        #expect(chinese.detail == chineseDetail)
        #expect(chinese.contentLanguage == "zh-CN")
        #expect(!chinese.response.text.contains("hunter2"))
        // The field goes right after the request line: an answer to a head that did not parse
        // can only read the lines before the offending one.
        let lines = head.split(separator: "\r\n", maxSplits: 1, omittingEmptySubsequences: false)
        let english = try Self.problem(
            "\(lines[0])\r\nAccept-Language: en-US,en;q=0.9\r\n\(lines[1])\r\n",
            port: running.port
        )
        #expect(english.status == status)
        #expect(english.title == englishTitle)
        #expect(english.contentLanguage == "en")
        #expect(english.detail.unicodeScalars.allSatisfy { $0.isASCII }, "\(english.detail)")
        #expect(!english.detail.isEmpty)
        if status == 405 {
            #expect(english.response.header("Allow") == "GET, HEAD")
        }
    }

    @Test func aRequestLineTooLongIsRefusedInChinese() throws {
        let running = try RunningServer({ $0.limits.maxRequestLineLength = 64 }, routes: Self.routes)
        defer { running.stop() }
        let problem = try Self.problem("GET /\(String(repeating: "a", count: 100)) HTTP/1.1\r\n", port: running.port)
        #expect(problem.status == 414)
        #expect(problem.title == "请求地址过长")
        #expect(problem.detail == "请求行过长")
        #expect(problem.contentLanguage == "zh-CN")
    }

    @Test func aHeadNotFinishedInTimeIs408InTheLanguageOfTheLinesReceived() throws {
        let running = try RunningServer({ $0.headerReadTimeout = .seconds(1) }, routes: Self.routes)
        defer { running.stop() }
        let english = try Self.problem("GET /hello HTTP/1.1\r\nAccept-Language: en\r\nHost: t\r\n", port: running.port)
        #expect(english.status == 408)
        #expect(english.title == "Request Timeout")
        #expect(english.detail == "request not received in time")
        #expect(english.contentLanguage == "en")
        let chinese = try Self.problem("GET /hello HTTP/1.1\r\nHost: t\r\n", port: running.port)
        #expect(chinese.title == "请求超时")
        #expect(chinese.detail == "未能及时收到完整的请求")
    }
}
