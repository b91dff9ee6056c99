import HTTP1
import Testing

@Suite struct HTTPResponseWriterTests {
    private static let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    @Test func aHeadIsWrittenInTheDocumentedOrder() {
        var buffer: [UInt8] = []
        HTTPResponseWriter.writeHead(
            status: 200,
            headers: [(name: "Content-Type", value: "application/json"), (name: "X-Request-Id", value: "")],
            contentLength: 1234,
            serverFields: [("Strict-Transport-Security", "max-age=63072000")],
            extraField: ("X-Extra", "1"),
            date: Self.date,
            close: false,
            into: &buffer
        )
        let expected =
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: application/json\r\n"
            + "X-Request-Id: \r\nStrict-Transport-Security: max-age=63072000\r\nX-Extra: 1\r\n"
            + "Content-Length: 1234\r\n\r\n"
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
    }

    @Test func aClosingHeadWithoutBodyAppendsToWhatIsThere() {
        var buffer = Array("previous".utf8)
        HTTPResponseWriter.writeHead(
            status: 431,
            headers: [],
            contentLength: nil,
            date: Self.date,
            close: true,
            into: &buffer
        )
        let expected =
            "previousHTTP/1.1 431 Request Header Fields Too Large\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            + "Connection: close\r\n\r\n"
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
    }

    @Test func zeroAndLargeContentLengthsAreWrittenInDecimal() {
        for (length, digits) in [
            (0, "0"), (9, "9"), (10, "10"), (1_000_000, "1000000"), (Int.max, "9223372036854775807"),
        ] {
            var buffer: [UInt8] = []
            HTTPResponseWriter.writeHead(
                status: 204,
                headers: [],
                contentLength: length,
                date: "d",
                close: false,
                into: &buffer
            )
            #expect(
                String(decoding: buffer, as: UTF8.self)
                    == "HTTP/1.1 204 No Content\r\nDate: d\r\nContent-Length: \(digits)\r\n\r\n"
            )
        }
    }

    @Test func reasonPhrasesAreThoseOfRFC9110() {
        #expect(HTTPResponseWriter.reasonPhrase(200) == "OK")
        #expect(HTTPResponseWriter.reasonPhrase(400) == "Bad Request")
        #expect(HTTPResponseWriter.reasonPhrase(413) == "Content Too Large")
        #expect(HTTPResponseWriter.reasonPhrase(414) == "URI Too Long")
        #expect(HTTPResponseWriter.reasonPhrase(417) == "Expectation Failed")
        #expect(HTTPResponseWriter.reasonPhrase(422) == "Unprocessable Content")
        #expect(HTTPResponseWriter.reasonPhrase(501) == "Not Implemented")
        #expect(HTTPResponseWriter.reasonPhrase(505) == "HTTP Version Not Supported")
        #expect(HTTPResponseWriter.reasonPhrase(299) == "Unknown")
        #expect(HTTPResponseWriter.reasonPhrase(999) == "Unknown")
    }

    @Test(arguments: [400, 413, 414, 417, 431, 501, 505])
    func everyStatusTheParserSendsHasAPhrase(_ status: Int) {
        #expect(HTTPResponseWriter.reasonPhrase(status) != "Unknown")
    }
}
