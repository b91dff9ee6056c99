import HTTPServer
import Outbound
import TestSupport
import Testing

private let secret = Array("whsec-test-0123456789abcdef0123456789".utf8)
private let body = Array(#"{"event":"sms.sent","id":42}"#.utf8)

/// The client against real receivers on loopback: the project's HTTP server, and plain sockets
/// for what a server would not do.
@Suite struct HTTPClientTests {
    @Test func signedWebhookIsDeliveredAndItsSignatureVerifiesAtTheReceiver() async throws {
        let verifier = WebhookVerifier(secrets: [secret])
        let receiver = try WebhookReceiver { got in
            do {
                try verifier.verify(body: got.body, timestamp: got.timestamp, signature: got.signature)
                return HTTPResponse(status: 204)
            } catch {
                return HTTPResponse(status: 401)
            }
        }
        defer { receiver.stop() }
        let request = WebhookSigner(secret: secret).sign(
            HTTPClient.Request(url: receiver.url(), body: body),
            messageID: "notification-7"
        )

        let result = try await post(request)

        #expect(DeliveryOutcome(result) == .delivered(status: 204))
        let got = try #require(receiver.requests.first)
        #expect(receiver.requests.count == 1)
        #expect(got.messageID == "notification-7")
        #expect(got.contentType == "application/json")
        #expect(got.body == body)
        #expect(got.signature?.hasPrefix("v1=") == true)
    }

    @Test func serverErrorIsRetried() async throws {
        let receiver = try WebhookReceiver { _ in HTTPResponse(status: 500) }
        defer { receiver.stop() }

        let result = try await post(HTTPClient.Request(url: receiver.url(), body: body))

        #expect(try result.get().status == 500)
        #expect(DeliveryOutcome(result) == .retry(reason: "HTTP 500", retryAfter: nil))
    }

    @Test func tooManyRequestsIsRetriedNoSoonerThanItsRetryAfter() async throws {
        let receiver = try WebhookReceiver { _ in HTTPResponse(status: 429, headers: [("Retry-After", "120")]) }
        defer { receiver.stop() }

        let result = try await post(HTTPClient.Request(url: receiver.url(), body: body))

        #expect(try result.get().header("Retry-After") == "120")
        let outcome = DeliveryOutcome(result)
        #expect(outcome == .retry(reason: "HTTP 429", retryAfter: .seconds(120)))
    }

    @Test func badRequestIsPermanent() async throws {
        let receiver = try WebhookReceiver { _ in HTTPResponse.json(Array(#"{"error":"bad phone"}"#.utf8), status: 400)
        }
        defer { receiver.stop() }

        let result = try await post(HTTPClient.Request(url: receiver.url(), body: body))

        let response = try result.get()
        #expect(response.status == 400)
        #expect(response.body == Array(#"{"error":"bad phone"}"#.utf8))
        #expect(response.header("content-type")?.hasPrefix("application/json") == true)
        #expect(DeliveryOutcome(result) == .permanent(reason: "HTTP 400"))
    }

    @Test func redirectIsReturnedNotFollowed() async throws {
        let receiver = try WebhookReceiver { _ in HTTPResponse(status: 307, headers: [("Location", "/elsewhere")]) }
        defer { receiver.stop() }

        let result = try await post(HTTPClient.Request(url: receiver.url(), body: body))

        #expect(try result.get().status == 307)
        #expect(receiver.requests.count == 1)
        #expect(DeliveryOutcome(result) == .permanent(reason: "HTTP 307"))
    }

    @Test func receiverThatAcceptsAndNeverAnswersTimesOut() async throws {
        let receiver = try RawReceiver(.neverAnswer)
        defer { receiver.stop() }
        var configuration = loopbackConfiguration()
        configuration.totalTimeout = .milliseconds(500)

        let result = try await post(
            HTTPClient.Request(url: "http://127.0.0.1:\(receiver.port)/hook", body: body),
            configuration: configuration
        )

        let error = try #require(result.failure)
        guard case .timedOut = error else {
            Issue.record("expected a timeout, got \(error)")
            return
        }
        #expect(waitUntil(timeout: .seconds(10)) { receiver.requestCount == 1 }, "the request was sent in full")
        #expect(DeliveryOutcome(result) == .retry(reason: error.description, retryAfter: nil))
    }

    @Test func refusedConnectionIsCouldNotConnect() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }

        let result = try await post(HTTPClient.Request(url: "http://127.0.0.1:\(refusing.port)/hook", body: body))

        guard case .couldNotConnect = result.failure else {
            Issue.record("expected a refused connection, got \(result)")
            return
        }
        guard case .retry = DeliveryOutcome(result) else {
            Issue.record("a refused connection is retried")
            return
        }
    }

    @Test func selfSignedCertificateIsRefusedWithoutItsCA() async throws {
        let certificate = try SelfSignedCertificate.make()
        defer { certificate.remove() }
        let receiver = try WebhookReceiver(tls: (certificate.certificatePath, certificate.keyPath))
        defer { receiver.stop() }

        let result = try await post(
            HTTPClient.Request(url: receiver.url(scheme: "https"), body: body),
            configuration: HTTPClient.Configuration()
        )

        guard case .tlsFailure = result.failure else {
            Issue.record("expected a TLS failure, got \(result)")
            return
        }
        #expect(receiver.requests.isEmpty)
    }

    @Test func selfSignedCertificateIsAcceptedWithItsCABundle() async throws {
        let certificate = try SelfSignedCertificate.make()
        defer { certificate.remove() }
        let receiver = try WebhookReceiver(tls: (certificate.certificatePath, certificate.keyPath))
        defer { receiver.stop() }
        var configuration = HTTPClient.Configuration()
        configuration.caBundlePath = certificate.certificatePath

        let result = try await post(
            HTTPClient.Request(url: receiver.url(scheme: "https"), body: body),
            configuration: configuration
        )

        #expect(DeliveryOutcome(result) == .delivered(status: 204))
        #expect(receiver.requests.map(\.body) == [body])
    }

    @Test func certificateForAnotherNameIsRefusedEvenWithItsCA() async throws {
        let certificate = try NamedCertificate(name: "receiver.example")
        defer { certificate.remove() }
        let receiver = try WebhookReceiver(tls: (certificate.certificatePath, certificate.keyPath))
        defer { receiver.stop() }
        var configuration = HTTPClient.Configuration()
        configuration.caBundlePath = certificate.certificatePath

        let result = try await post(
            HTTPClient.Request(url: receiver.url(scheme: "https"), body: body),
            configuration: configuration
        )

        guard case .tlsFailure = result.failure else {
            Issue.record("expected a TLS failure for the host name, got \(result)")
            return
        }
        #expect(receiver.requests.isEmpty)
    }

    @Test func bodyOverTheBoundIsRefusedAndOneAtTheBoundIsKept() async throws {
        let receiver = try WebhookReceiver { got in
            let size = got.body == Array("big".utf8) ? 100_000 : 1024
            return HTTPResponse(status: 200, body: [UInt8](repeating: UInt8(ascii: "x"), count: size))
        }
        defer { receiver.stop() }
        var configuration = loopbackConfiguration()
        configuration.maximumResponseBodyBytes = 1024

        let results = try await post(
            [
                HTTPClient.Request(url: receiver.url(), body: Array("big".utf8)),
                HTTPClient.Request(url: receiver.url(), body: Array("fits".utf8)),
            ],
            configuration: configuration
        )

        #expect(results[0].failure == .responseTooLarge(status: 200, limit: 1024))
        #expect(try results[1].get().body.count == 1024)
    }

    @Test func bodyOfUnannouncedLengthOverTheBoundIsRefused() async throws {
        let answer =
            Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8) + [UInt8](repeating: 0x78, count: 200_000)
        let receiver = try RawReceiver(.answerAndClose(answer))
        defer { receiver.stop() }
        var configuration = loopbackConfiguration()
        configuration.maximumResponseBodyBytes = 1024

        let result = try await post(
            HTTPClient.Request(url: "http://127.0.0.1:\(receiver.port)/hook", body: body),
            configuration: configuration
        )

        #expect(result.failure == .responseTooLarge(status: 200, limit: 1024))
    }

    @Test func headerSectionOverTheBoundIsRefused() async throws {
        let answer = Array(
            ("HTTP/1.1 503 Busy\r\nX-Padding: " + String(repeating: "p", count: 4000) + "\r\n"
                + "Content-Length: 0\r\n\r\n").utf8
        )
        let receiver = try RawReceiver(.answerAndClose(answer))
        defer { receiver.stop() }
        var configuration = loopbackConfiguration()
        configuration.maximumResponseHeaderBytes = 1024

        let result = try await post(
            HTTPClient.Request(url: "http://127.0.0.1:\(receiver.port)/hook", body: body),
            configuration: configuration
        )

        #expect(result.failure == .responseTooLarge(status: 503, limit: 1024))
    }

    @Test func oneClientKeepsItsConnectionAliveBetweenRequests() async throws {
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nRetry-After: 3\r\n\r\nok".utf8)
        let receiver = try RawReceiver(.answer(answer))
        defer { receiver.stop() }
        let request = HTTPClient.Request(url: "http://127.0.0.1:\(receiver.port)/hook", body: body)

        let results = try await post([request, request, request])

        #expect(
            try results.map { try $0.get() }
                == Array(
                    repeating: HTTPClient.Response(status: 200, headers: ["retry-after": "3"], body: Array("ok".utf8)),
                    count: 3
                )
        )
        #expect(receiver.acceptedCount == 1)
        #expect(receiver.requestCount == 3)
    }

    @Test func plainHTTPIsRefusedUnlessAllowed() async throws {
        let receiver = try RawReceiver(.answer(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)))
        defer { receiver.stop() }

        let result = try await post(
            HTTPClient.Request(url: "http://127.0.0.1:\(receiver.port)/hook", body: body),
            configuration: HTTPClient.Configuration()
        )

        guard case .invalidRequest = result.failure else {
            Issue.record("expected plain HTTP to be refused, got \(result)")
            return
        }
        #expect(receiver.acceptedCount == 0)
        guard case .permanent = DeliveryOutcome(result) else {
            Issue.record("a refused request is permanent")
            return
        }
    }

    @Test(arguments: [
        ("X-Note", "one\r\nX-Injected: two"), ("X-Note", "one\ntwo"), ("X Note", "value"), ("", "value"),
        ("Content-Length", "5"), ("transfer-encoding", "chunked"), ("Host", "elsewhere"),
    ])
    func headerThatCouldBreakTheRequestIsRefusedBeforeSending(name: String, value: String) async throws {
        let receiver = try RawReceiver(.answer(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)))
        defer { receiver.stop() }

        let result = try await post(
            HTTPClient.Request(url: "http://127.0.0.1:\(receiver.port)/hook", headers: [(name, value)], body: body)
        )

        guard case .invalidRequest = result.failure else {
            Issue.record("expected the header to be refused, got \(result)")
            return
        }
        #expect(receiver.acceptedCount == 0)
    }
}
