import Outbound
import Testing

@Suite struct DeliveryOutcomeTests {
    @Test(arguments: [200, 201, 202, 204, 299])
    func successIsDelivered(status: Int) {
        #expect(DeliveryOutcome(response: HTTPClient.Response(status: status)) == .delivered(status: status))
    }

    @Test(arguments: [408, 429, 500, 502, 503, 504, 599])
    func serverTroubleIsRetried(status: Int) {
        #expect(
            DeliveryOutcome(response: HTTPClient.Response(status: status))
                == .retry(reason: "HTTP \(status)", retryAfter: nil)
        )
    }

    @Test(arguments: [100, 101, 301, 302, 304, 308, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 451])
    func otherStatusesArePermanent(status: Int) {
        #expect(DeliveryOutcome(response: HTTPClient.Response(status: status)) == .permanent(reason: "HTTP \(status)"))
    }

    @Test func serviceUnavailableCarriesItsRetryAfter() {
        let response = HTTPClient.Response(status: 503, headers: ["retry-after": "30"])
        #expect(DeliveryOutcome(response: response) == .retry(reason: "HTTP 503", retryAfter: .seconds(30)))
    }

    /// RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`; the example date is
    /// 784111777 in Unix seconds.
    @Test(
        arguments: [
            ("120", 0, .seconds(120)),
            (" 5 ", 0, .seconds(5)),
            ("0", 0, .zero),
            ("99999999999999999999999", 0, .seconds(86_400)),
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 - 90, .seconds(90)),
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 + 5, .zero),
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0, .zero),
            ("Sat, 29 Feb 2020 12:00:00 GMT", 1_582_977_600 - 1, .seconds(1)),
        ] as [(String, Int64, Duration)]
    )
    func retryAfterIsReadAsSecondsOrAnHTTPDate(value: String, now: Int64, expected: Duration) {
        let response = HTTPClient.Response(status: 429, headers: ["retry-after": value])
        #expect(DeliveryOutcome(response: response, now: now) == .retry(reason: "HTTP 429", retryAfter: expected))
    }

    @Test(arguments: [
        "", "soon", "-5", "1.5", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT",
    ])
    func retryAfterThatDoesNotParseIsLeftToTheBackOff(value: String) {
        let response = HTTPClient.Response(status: 429, headers: ["retry-after": value])
        #expect(DeliveryOutcome(response: response, now: 0) == .retry(reason: "HTTP 429", retryAfter: nil))
    }

    @Test func errorsAreRetriedExceptARefusedRequest() {
        let retried: [HTTPClientError] = [
            .couldNotResolve("r"), .couldNotConnect("c"), .connectionLost("l"), .timedOut("t"), .tlsFailure("s"),
            .responseTooLarge(status: 503, limit: 10), .responseTooLarge(status: 0, limit: 10),
            .other(code: 8, message: "o"),
        ]
        for error in retried {
            #expect(DeliveryOutcome(error: error) == .retry(reason: error.description, retryAfter: nil))
        }
        let refused = HTTPClientError.invalidRequest("header X is set by the client")
        #expect(DeliveryOutcome(error: refused) == .permanent(reason: refused.description))
    }

    @Test func tooLargeBodyAfterASuccessStatusIsDelivered() {
        #expect(DeliveryOutcome(error: .responseTooLarge(status: 200, limit: 10)) == .delivered(status: 200))
    }
}
